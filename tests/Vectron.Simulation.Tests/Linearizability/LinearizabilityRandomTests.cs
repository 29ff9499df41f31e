using Vectron.Simulation.Linearizability;
using Xunit.Abstractions;

namespace Vectron.Simulation.Tests.Linearizability;

/// <summary>
/// The checker on histories of a simulated atomic store, linearizable by construction, and on the same histories with
/// one read planted to return a value it could not have seen. Each failure names its seed; the history is written to a
/// file beside it for reading.
/// </summary>
public sealed class LinearizabilityRandomTests
{
    private const ulong FirstSeed = 1;
    private const int Seeds = 300;

    private readonly ITestOutputHelper _output;

    /// <summary>Creates the tests with xunit's output for the seeds' statistics.</summary>
    public LinearizabilityRandomTests(ITestOutputHelper output)
    {
        _output = output;
    }

    /// <summary>Every history of an atomic store is linearizable, whatever the overlap, ties and unknown outcomes.</summary>
    [Fact]
    public void Check_SimulatedAtomicStore_IsOk()
    {
        long operations = 0, unknown = 0, steps = 0;
        for (ulong seed = FirstSeed; seed < FirstSeed + Seeds; seed++)
        {
            var history = RegisterSimulation.Run(seed, WorkloadFor(seed));
            var result = LinearizabilityChecker.Check(history);

            Require(result.Verdict == Verdict.Ok, seed, history, result, "expected Ok");
            operations += history.Operations.Count;
            unknown += CountUnknown(history);
            steps += result.Steps;
        }

        _output.WriteLine($"seeds {FirstSeed}..{FirstSeed + Seeds - 1}: {operations} operations, {unknown} unknown, {steps} search steps");
    }

    /// <summary>One read returning a value that was overwritten before it began, or written after it ended, makes the history illegal.</summary>
    [Fact]
    public void Check_SimulatedAtomicStoreWithOneImpossibleRead_IsIllegal_AndBlamesThatRead()
    {
        int planted = 0;
        for (ulong seed = FirstSeed; seed < FirstSeed + Seeds; seed++)
        {
            var history = RegisterSimulation.Run(seed, WorkloadFor(seed));
            var candidates = ImpossibleReads.Find(history);
            if (candidates.Count == 0)
            {
                continue;
            }

            var choose = new SplitMix(seed ^ 0x1A7E5);
            var (read, value) = candidates[choose.Next(candidates.Count)];
            var mutated = ImpossibleReads.WithReadOf(history, read, value);
            var result = LinearizabilityChecker.Check(mutated);

            string context = $"read #{read.Id} made to return {OperationText.Value(value)}";
            Require(result.Verdict == Verdict.Illegal, seed, mutated, result, $"expected Illegal: {context}");
            Require(result.FailingKey == read.Input.Key, seed, mutated, result, $"expected key {read.Input.Key} to fail: {context}");
            Require(
                ContainsId(result.FirstFailure!.NotLinearized, read.Id),
                seed,
                mutated,
                result,
                $"expected #{read.Id} among the operations not linearized: {context}");
            planted++;
        }

        _output.WriteLine($"planted an impossible read in {planted} of {Seeds} seeds");
        Assert.True(planted >= Seeds * 9 / 10, $"only {planted} of {Seeds} seeds had a read to plant: the workloads are too thin");
    }

    /// <summary>The same history gives the same verdict, steps and diagnosis every time.</summary>
    [Fact]
    public void Check_SameHistory_GivesSameResult()
    {
        const ulong seed = 42;
        var history = RegisterSimulation.Run(seed, WorkloadFor(seed));
        var (read, value) = ImpossibleReads.Find(history)[0];
        var mutated = ImpossibleReads.WithReadOf(history, read, value);

        string first = HistoryFile.Format(mutated, LinearizabilityChecker.Check(mutated), seed);
        string second = HistoryFile.Format(mutated, LinearizabilityChecker.Check(mutated), seed);

        Assert.Equal(first, second);
        Assert.Contains("verdict: Illegal", first, StringComparison.Ordinal);
    }

    /// <summary>Four thousand operations on one key from eight clients are checked within the default step budget.</summary>
    [Fact]
    public void Check_FourThousandOperationsOnOneKey_IsOkWithinDefaultBudget()
    {
        const ulong seed = 7;
        var workload = new RegisterWorkload(Clients: 8, Keys: 1, OperationsPerClient: 500, MaxDuration: 8, MaxGap: 2, UnknownPercent: 1);
        var history = RegisterSimulation.Run(seed, workload);

        var result = LinearizabilityChecker.Check(history);

        Require(result.Verdict == Verdict.Ok, seed, history, result, "expected Ok");
        _output.WriteLine($"{history.Operations.Count} operations, {CountUnknown(history)} unknown: {result.Steps} search steps");
    }

    /// <summary>
    /// The same with a read planted midway to return a value overwritten before it began: refuted within the default
    /// budget, and the diagnosis names that read.
    /// </summary>
    [Fact]
    public void Check_FourThousandOperationsOnOneKeyWithOneImpossibleRead_IsIllegalWithinDefaultBudget()
    {
        const ulong seed = 1;
        var workload = new RegisterWorkload(Clients: 8, Keys: 1, OperationsPerClient: 500, MaxDuration: 8, MaxGap: 2, UnknownPercent: 1);
        var history = RegisterSimulation.Run(seed, workload);
        var candidates = ImpossibleReads.Find(history);
        var (read, value) = candidates[candidates.Count / 2];
        var mutated = ImpossibleReads.WithReadOf(history, read, value);

        var result = LinearizabilityChecker.Check(mutated);

        string context = $"read #{read.Id} made to return {OperationText.Value(value)}";
        Require(result.Verdict == Verdict.Illegal, seed, mutated, result, $"expected Illegal: {context}");
        Require(result.FirstFailure!.FirstNotLinearized?.Id == read.Id, seed, mutated, result, $"expected the diagnosis to name #{read.Id}: {context}");
        _output.WriteLine($"{context}: {result.Steps} search steps, longest linearization {result.FirstFailure.LongestLinearization.Count} operations");
    }

    // Varied per seed: from one client on one key to six clients on three keys, from little overlap to heavy overlap.
    // Time always moves on (durations and gaps may be 0, their maxima not): a workload stuck at one instant makes every
    // operation concurrent with every other, a search no checker finishes and no simulation clock produces.
    private static RegisterWorkload WorkloadFor(ulong seed)
    {
        var random = new SplitMix(seed ^ 0x5EED);
        return new RegisterWorkload(
            Clients: 1 + random.Next(6),
            Keys: 1 + random.Next(3),
            OperationsPerClient: 20 + random.Next(41),
            MaxDuration: 1 + random.Next(8),
            MaxGap: 1 + random.Next(3),
            UnknownPercent: random.Next(9));
    }

    private static int CountUnknown(History history)
    {
        int unknown = 0;
        foreach (var operation in history.Operations)
        {
            if (operation.IsUnknown)
            {
                unknown++;
            }
        }

        return unknown;
    }

    private static bool ContainsId(IReadOnlyList<Operation> operations, int id)
    {
        foreach (var operation in operations)
        {
            if (operation.Id == id)
            {
                return true;
            }
        }

        return false;
    }

    // On failure, writes the history where a person can read it and says where, with the seed that replays it.
    private static void Require(bool holds, ulong seed, History history, CheckResult result, string expectation)
    {
        if (holds)
        {
            return;
        }

        string path = Path.Join(Path.GetTempPath(), $"vectron-linearizability-seed-{seed}.txt");
        HistoryFile.Write(path, history, result, seed);
        Assert.Fail($"seed {seed}: {expectation}, got {result.Verdict} (key {result.FailingKey ?? "none"}); history in {path}");
    }
}
