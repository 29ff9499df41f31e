using Vectron.Simulation.Linearizability;
using static Vectron.Simulation.Linearizability.Histories;

namespace Vectron.Simulation.Tests.Linearizability;

/// <summary>The checker on small hand-written histories whose verdicts can be worked out by hand.</summary>
public sealed class LinearizabilityCheckerTests
{
    /// <summary>Nothing happened, so nothing is wrong.</summary>
    [Fact]
    public void Check_EmptyHistory_IsOk()
    {
        var result = LinearizabilityChecker.Check(Build());

        Assert.Equal(Verdict.Ok, result.Verdict);
        Assert.Empty(result.Failures);
        Assert.Null(result.FailingKey);
    }

    /// <summary>One client writing and reading back in turn sees its own writes.</summary>
    [Fact]
    public void Check_SequentialWritesAndReads_IsOk()
    {
        var history = Build(
            Read(1, "x", null, call: 0, returned: 1),
            Write(1, "x", "a", call: 2, returned: 3),
            Read(1, "x", "a", call: 4, returned: 5),
            Write(1, "x", "b", call: 6, returned: 7),
            Read(1, "x", "b", call: 8, returned: 9));

        Assert.Equal(Verdict.Ok, LinearizabilityChecker.Check(history).Verdict);
    }

    /// <summary>A read overlapping a write may take effect before or after it.</summary>
    [Theory]
    [InlineData("a")]
    [InlineData("b")]
    public void Check_ReadOverlappingWrite_MaySeeOldOrNewValue(string seen)
    {
        var history = Build(
            Write(1, "x", "a", call: 0, returned: 1),
            Write(1, "x", "b", call: 2, returned: 6),
            Read(2, "x", seen, call: 3, returned: 4));

        Assert.Equal(Verdict.Ok, LinearizabilityChecker.Check(history).Verdict);
    }

    /// <summary>A read invoked after a write completed must not return the value that write replaced.</summary>
    [Fact]
    public void Check_StaleReadAfterCompletedWrite_IsIllegal_AndNamesTheRead()
    {
        var history = Build(
            Write(1, "x", "a", call: 0, returned: 1),
            Write(1, "x", "b", call: 2, returned: 3),
            Read(2, "x", "a", call: 4, returned: 5));

        var result = LinearizabilityChecker.Check(history);

        Assert.Equal(Verdict.Illegal, result.Verdict);
        Assert.Equal("x", result.FailingKey);
        var failure = Assert.Single(result.Failures);
        Assert.Equal([0, 1], Ids(failure.LongestLinearization));
        Assert.Equal(2, failure.FirstNotLinearized?.Id);
        Assert.Equal([2], Ids(failure.NotLinearized));
    }

    /// <summary>Two reads in sequence, both overlapping one write, cannot see the new value and then the old one.</summary>
    [Fact]
    public void Check_ReadsGoingBackInTime_IsIllegal()
    {
        var history = Build(
            Write(1, "x", "a", call: 0, returned: 1),
            Write(1, "x", "b", call: 2, returned: 10),
            Read(2, "x", "b", call: 3, returned: 4),
            Read(2, "x", "a", call: 5, returned: 6));

        Assert.Equal(Verdict.Illegal, LinearizabilityChecker.Check(history).Verdict);
    }

    /// <summary>A read of a value nobody wrote is illegal.</summary>
    [Fact]
    public void Check_ReadOfValueNeverWritten_IsIllegal()
    {
        var history = Build(
            Write(1, "x", "a", call: 0, returned: 1),
            Read(2, "x", "zz", call: 0, returned: 3));

        Assert.Equal(Verdict.Illegal, LinearizabilityChecker.Check(history).Verdict);
    }

    /// <summary>A read of absent after a completed write is illegal: keys are never deleted.</summary>
    [Fact]
    public void Check_ReadOfAbsentAfterCompletedWrite_IsIllegal()
    {
        var history = Build(
            Write(1, "x", "a", call: 0, returned: 1),
            Read(2, "x", null, call: 2, returned: 3));

        Assert.Equal(Verdict.Illegal, LinearizabilityChecker.Check(history).Verdict);
    }

    /// <summary>A compare-and-set succeeds exactly when the key holds the expected value, and only then writes.</summary>
    [Theory]
    [InlineData("a", true, "b", true)]
    [InlineData("a", false, "a", false)]
    [InlineData("z", false, "a", true)]
    [InlineData("z", true, "b", false)]
    [InlineData("z", false, "b", false)]
    [InlineData("a", true, "a", false)]
    public void Check_CompareAndSet_SucceedsOnlyOnExpectedValue(string expected, bool succeeded, string readAfter, bool linearizable)
    {
        var history = Build(
            Write(1, "x", "a", call: 0, returned: 1),
            CompareAndSet(1, "x", expected, "b", succeeded, call: 2, returned: 3),
            Read(1, "x", readAfter, call: 4, returned: 5));

        Assert.Equal(linearizable ? Verdict.Ok : Verdict.Illegal, LinearizabilityChecker.Check(history).Verdict);
    }

    /// <summary>A compare-and-set expecting absent succeeds on a key nobody wrote.</summary>
    [Fact]
    public void Check_CompareAndSetExpectingAbsent_SucceedsOnNewKey()
    {
        var history = Build(
            CompareAndSet(1, "x", null, "a", true, call: 0, returned: 1),
            Read(1, "x", "a", call: 2, returned: 3));

        Assert.Equal(Verdict.Ok, LinearizabilityChecker.Check(history).Verdict);
    }

    /// <summary>Of two concurrent compare-and-sets from the same expected value, at most one can succeed.</summary>
    [Fact]
    public void Check_TwoConcurrentCompareAndSetsFromSameValue_CannotBothSucceed()
    {
        var oneWins = Build(
            CompareAndSet(1, "x", null, "a", true, call: 0, returned: 5),
            CompareAndSet(2, "x", null, "b", false, call: 1, returned: 4));
        var bothWin = Build(
            CompareAndSet(1, "x", null, "a", true, call: 0, returned: 5),
            CompareAndSet(2, "x", null, "b", true, call: 1, returned: 4));

        Assert.Equal(Verdict.Ok, LinearizabilityChecker.Check(oneWins).Verdict);
        Assert.Equal(Verdict.Illegal, LinearizabilityChecker.Check(bothWin).Verdict);
    }

    /// <summary>A write whose client gave up may still take effect later, and a read may see it.</summary>
    [Fact]
    public void Check_UnknownWriteSeenByLaterRead_IsOk()
    {
        var history = Build(
            Write(1, "x", "a", call: 0, returned: 1),
            Write(2, "x", "b", call: 2, returned: null),
            Read(3, "x", "a", call: 10, returned: 11),
            Read(3, "x", "b", call: 20, returned: 21));

        Assert.Equal(Verdict.Ok, LinearizabilityChecker.Check(history).Verdict);
    }

    /// <summary>A write whose client gave up may never take effect at all.</summary>
    [Fact]
    public void Check_UnknownWriteNeverSeen_IsOk()
    {
        var history = Build(
            Write(1, "x", "a", call: 0, returned: 1),
            Write(2, "x", "b", call: 2, returned: null),
            Read(3, "x", "a", call: 10, returned: 11),
            Read(3, "x", "a", call: 20, returned: 21));

        Assert.Equal(Verdict.Ok, LinearizabilityChecker.Check(history).Verdict);
    }

    /// <summary>An unknown write cannot take effect before it was invoked, so it cannot explain an earlier read.</summary>
    [Fact]
    public void Check_ReadOfUnknownWriteInvokedAfterTheRead_IsIllegal()
    {
        var history = Build(
            Read(1, "x", "a", call: 0, returned: 1),
            Write(2, "x", "a", call: 2, returned: null));

        Assert.Equal(Verdict.Illegal, LinearizabilityChecker.Check(history).Verdict);
    }

    /// <summary>A value seen once an unknown write is overwritten cannot come back: the write happened once.</summary>
    [Fact]
    public void Check_UnknownWriteSeenAgainAfterOverwrite_IsIllegal()
    {
        var history = Build(
            Write(2, "x", "a", call: 0, returned: null),
            Read(1, "x", "a", call: 1, returned: 2),
            Write(1, "x", "b", call: 3, returned: 4),
            Read(1, "x", "a", call: 5, returned: 6));

        Assert.Equal(Verdict.Illegal, LinearizabilityChecker.Check(history).Verdict);
    }

    /// <summary>A compare-and-set with unknown outcome may have succeeded or failed, whichever the later reads need.</summary>
    [Theory]
    [InlineData("a", "b", true)]
    [InlineData("a", "a", true)]
    [InlineData("z", "b", false)]
    [InlineData("z", "a", true)]
    public void Check_UnknownCompareAndSet_TakesEffectOnlyIfItCould(string expected, string readAfter, bool linearizable)
    {
        var history = Build(
            Write(1, "x", "a", call: 0, returned: 1),
            CompareAndSet(2, "x", expected, "b", null, call: 2, returned: null),
            Read(1, "x", readAfter, call: 5, returned: 6));

        Assert.Equal(linearizable ? Verdict.Ok : Verdict.Illegal, LinearizabilityChecker.Check(history).Verdict);
    }

    /// <summary>
    /// A failed compare-and-set needs some unknown write to have changed the key first; the search must not spend on it
    /// the write a later read needs, when another unknown write nobody reads can serve.
    /// </summary>
    [Fact]
    public void Check_UnknownWriteNeededLater_IsNotSpentOnEarlierFailedCompareAndSet()
    {
        var history = Build(
            Write(1, "x", "a", call: 0, returned: 1),
            Write(2, "x", "b", call: 2, returned: null),
            Write(3, "x", "c", call: 3, returned: null),
            CompareAndSet(1, "x", "a", "z", false, call: 4, returned: 5),
            Write(1, "x", "d", call: 6, returned: 7),
            Read(1, "x", "b", call: 8, returned: 9));

        Assert.Equal(Verdict.Ok, LinearizabilityChecker.Check(history).Verdict);
    }

    /// <summary>Two failed compare-and-sets in a row need two unknown writes between them; one is not enough.</summary>
    [Fact]
    public void Check_TwoFailedCompareAndSets_NeedTwoUnknownWrites()
    {
        var oneWrite = Build(
            Write(1, "x", "a", call: 0, returned: 1),
            Write(2, "x", "b", call: 2, returned: null),
            CompareAndSet(1, "x", "a", "z", false, call: 3, returned: 4),
            Write(1, "x", "a", call: 5, returned: 6),
            CompareAndSet(1, "x", "a", "z", false, call: 7, returned: 8));
        var twoWrites = Build(
            Write(1, "x", "a", call: 0, returned: 1),
            Write(2, "x", "b", call: 2, returned: null),
            Write(3, "x", "c", call: 2, returned: null),
            CompareAndSet(1, "x", "a", "z", false, call: 3, returned: 4),
            Write(1, "x", "a", call: 5, returned: 6),
            CompareAndSet(1, "x", "a", "z", false, call: 7, returned: 8));

        Assert.Equal(Verdict.Illegal, LinearizabilityChecker.Check(oneWrite).Verdict);
        Assert.Equal(Verdict.Ok, LinearizabilityChecker.Check(twoWrites).Verdict);
    }

    /// <summary>A read whose outcome is unknown constrains nothing.</summary>
    [Fact]
    public void Check_UnknownRead_IsIgnored()
    {
        var history = Build(
            Write(1, "x", "a", call: 0, returned: 1),
            new Interval(2, KeyValueInput.Read("x"), 2, null, null),
            Read(1, "x", "a", call: 3, returned: 4));

        Assert.Equal(Verdict.Ok, LinearizabilityChecker.Check(history).Verdict);
    }

    /// <summary>Keys are checked on their own: a value on one key says nothing about another, and a failure names its key only.</summary>
    [Fact]
    public void Check_Keys_AreIndependent()
    {
        var ok = Build(
            Write(1, "x", "a", call: 0, returned: 1),
            Write(1, "y", "b", call: 2, returned: 3),
            Read(2, "x", "a", call: 4, returned: 5),
            Read(2, "y", "b", call: 4, returned: 5));
        var illegalOnY = Build(
            Write(1, "x", "a", call: 0, returned: 1),
            Write(1, "y", "b", call: 2, returned: 3),
            Read(2, "y", null, call: 4, returned: 5),
            Read(2, "x", "a", call: 6, returned: 7));

        Assert.Equal(Verdict.Ok, LinearizabilityChecker.Check(ok).Verdict);
        var result = LinearizabilityChecker.Check(illegalOnY);
        Assert.Equal(Verdict.Illegal, result.Verdict);
        Assert.Equal("y", result.FailingKey);
        Assert.Equal("y", Assert.Single(result.Failures).Key);
    }

    /// <summary>An operation returning at t and one invoked at t overlap (documented tie rule), so either order is allowed.</summary>
    [Fact]
    public void Check_ReturnAndCallAtSameTime_AreTreatedAsOverlapping()
    {
        var sameTick = Build(
            Write(1, "x", "a", call: 0, returned: 5),
            Read(2, "x", null, call: 5, returned: 6));
        var nextTick = Build(
            Write(1, "x", "a", call: 0, returned: 5),
            Read(2, "x", null, call: 6, returned: 7));

        Assert.Equal(Verdict.Ok, LinearizabilityChecker.Check(sameTick).Verdict);
        Assert.Equal(Verdict.Illegal, LinearizabilityChecker.Check(nextTick).Verdict);
    }

    /// <summary>A search that runs out of steps answers Unknown rather than guessing.</summary>
    [Fact]
    public void Check_StepBudgetExhausted_IsUnknown()
    {
        var history = Build(
            Write(1, "x", "a", call: 0, returned: 1),
            Write(1, "x", "b", call: 2, returned: 3),
            Read(2, "x", "a", call: 4, returned: 5));

        var result = LinearizabilityChecker.Check(history, maxStepsPerKey: 2);

        Assert.Equal(Verdict.Unknown, result.Verdict);
        Assert.Equal("x", result.FailingKey);
        var failure = Assert.Single(result.Failures);
        Assert.Equal(2, failure.Steps);

        // Step 1 places write a; step 2 rejects write b (nothing could write a again for the read): the search stops there.
        Assert.Equal([0], Ids(failure.LongestLinearization));
        Assert.Null(failure.FirstNotLinearized);
    }

    /// <summary>An illegal key outranks an undecided one in the overall verdict, and both are reported.</summary>
    [Fact]
    public void Check_IllegalKeyAndUndecidedKey_IsIllegal()
    {
        var history = Build(
            Write(1, "a", "1", call: 0, returned: 1),
            Write(1, "a", "2", call: 2, returned: 3),
            Read(1, "a", "1", call: 4, returned: 5),
            Read(1, "b", "1", call: 6, returned: 7));

        var result = LinearizabilityChecker.Check(history, maxStepsPerKey: 3);

        Assert.Equal(Verdict.Illegal, result.Verdict);
        Assert.Equal("b", result.FailingKey);
        Assert.Equal([("a", Verdict.Unknown), ("b", Verdict.Illegal)], KeyVerdicts(result));
    }

    private static int[] Ids(IReadOnlyList<Operation> operations)
    {
        var ids = new int[operations.Count];
        for (int index = 0; index < ids.Length; index++)
        {
            ids[index] = operations[index].Id;
        }

        return ids;
    }

    private static (string Key, Verdict Verdict)[] KeyVerdicts(CheckResult result)
    {
        var verdicts = new (string, Verdict)[result.Failures.Count];
        for (int index = 0; index < verdicts.Length; index++)
        {
            verdicts[index] = (result.Failures[index].Key, result.Failures[index].Verdict);
        }

        return verdicts;
    }
}
