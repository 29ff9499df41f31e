using Vectron.Simulation.Linearizability;

namespace Vectron.Simulation.Tests.Linearizability;

/// <summary>Recording a history: ids, completions, unknown outcomes, and the misuse the recorder refuses.</summary>
public sealed class HistoryRecorderTests
{
    /// <summary>Invocations get ids in order; completions, unknown marks and still-pending operations all end up in the history.</summary>
    [Fact]
    public void ToHistory_KeepsCompletedUnknownAndPendingOperations()
    {
        var recorder = new HistoryRecorder();
        int write = recorder.Invoke(1, KeyValueInput.Write("x", "a"), time: 0);
        int read = recorder.Invoke(2, KeyValueInput.Read("x"), time: 1);
        int swap = recorder.Invoke(3, KeyValueInput.CompareAndSet("x", null, "b"), time: 1);
        recorder.Complete(write, KeyValueOutput.Written, time: 2);
        recorder.MarkUnknown(swap);

        var history = recorder.ToHistory();

        Assert.Equal([0, 1, 2], [write, read, swap]);
        Assert.Equal(1, recorder.PendingCount);
        Assert.Equal(
            [
                new Operation(0, 1, KeyValueInput.Write("x", "a"), 0, 2, KeyValueOutput.Written),
                new Operation(1, 2, KeyValueInput.Read("x"), 1, null, null),
                new Operation(2, 3, KeyValueInput.CompareAndSet("x", null, "b"), 1, null, null),
            ],
            history.Operations);
        Assert.True(history.Operations[1].IsUnknown);
    }

    /// <summary>The simulation clock never goes backwards, so neither may recorded times.</summary>
    [Fact]
    public void Invoke_And_Complete_RejectTimeGoingBackwards()
    {
        var recorder = new HistoryRecorder();
        int write = recorder.Invoke(1, KeyValueInput.Write("x", "a"), time: 5);

        Assert.Throws<ArgumentOutOfRangeException>(() => recorder.Invoke(2, KeyValueInput.Read("x"), time: 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => recorder.Complete(write, KeyValueOutput.Written, time: 4));
        recorder.Complete(write, KeyValueOutput.Written, time: 5);
    }

    /// <summary>An operation completes once: a second completion or unknown mark, or an id never issued, is a bug in the caller.</summary>
    [Fact]
    public void Complete_And_MarkUnknown_RejectClosedOrUnknownIds()
    {
        var recorder = new HistoryRecorder();
        int write = recorder.Invoke(1, KeyValueInput.Write("x", "a"), time: 0);
        recorder.Complete(write, KeyValueOutput.Written, time: 1);

        Assert.Throws<InvalidOperationException>(() => recorder.Complete(write, KeyValueOutput.Written, time: 2));
        Assert.Throws<InvalidOperationException>(() => recorder.MarkUnknown(write));
        Assert.Throws<ArgumentOutOfRangeException>(() => recorder.MarkUnknown(1));
        Assert.Throws<ArgumentOutOfRangeException>(() => recorder.Complete(-1, KeyValueOutput.Written, time: 2));
    }

    /// <summary>A hand-built history must be consistent: ids are positions, calls in order, a return with its output and not before its call.</summary>
    [Fact]
    public void History_RejectsInconsistentOperations()
    {
        var write = new Operation(0, 1, KeyValueInput.Write("x", "a"), 5, 6, KeyValueOutput.Written);

        Assert.Throws<ArgumentException>(() => new History([write with { Id = 1 }]));
        Assert.Throws<ArgumentException>(() => new History([write, write with { Id = 1, CallTime = 4, ReturnTime = 7 }]));
        Assert.Throws<ArgumentException>(() => new History([write with { Output = null }]));
        Assert.Throws<ArgumentException>(() => new History([write with { ReturnTime = 4 }]));
        Assert.Single(new History([write]).Operations);
    }
}
