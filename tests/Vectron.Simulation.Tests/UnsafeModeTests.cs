using Xunit.Abstractions;

namespace Vectron.Simulation.Tests;

/// <summary>
/// The checkers catch real bugs: with a deliberately unsafe read path switched on in the simulated clients, the
/// simulation reports a linearizability violation within a fixed budget of seeds, and writes the history.
/// </summary>
public sealed class UnsafeModeTests
{
    private readonly ITestOutputHelper _output;

    public UnsafeModeTests(ITestOutputHelper output)
    {
        _output = output;
    }

    /// <summary>Reads answered by whichever replica the client reached, without ReadIndex: followers lag.</summary>
    [Fact]
    public void LocalReads_AreCaught_WithinThreeSeeds()
    {
        var found = FirstViolation(new SimulationOptions { Unsafe = UnsafeMode.LocalReads }, budget: 3);

        AssertLinearizabilityViolation(found);
    }

    /// <summary>
    /// Reads answered by a replica that believes it leads, without ReadIndex: a leader frozen by a long pause (or cut
    /// off) keeps answering from its old state after another replica was elected and took writes. The fault mix
    /// is the one that exposes it: process pauses and partitions, mostly of leaders.
    /// </summary>
    [Fact]
    public void LeaderLocalReads_AreCaught_WithinTenSeeds()
    {
        var options = new SimulationOptions
        {
            Unsafe = UnsafeMode.LeaderLocalReads,
            KeysPerGroup = 1,
            ClientsPerGroup = 4,
            Faults = FaultRates.None with { Partition = 20, Pause = 40 },
        };

        var found = FirstViolation(options, budget: 10);

        AssertLinearizabilityViolation(found);
    }

    private SimulationResult? FirstViolation(SimulationOptions options, int budget)
    {
        var summary = SimulationSweep.Run(1, budget, options with { HistoryDirectory = SimulationSeeds.HistoryDirectory }, stop: sweep => sweep.Failures.Count > 0);
        _output.WriteLine($"{options.Unsafe}: {summary}");
        var found = summary.Failures.Count > 0 ? summary.Failures[0] : null;
        if (found is not null)
        {
            _output.WriteLine($"caught after {summary.Runs} of {budget} seeds: {found.Describe()}");
        }

        return found;
    }

    private static void AssertLinearizabilityViolation(SimulationResult? found)
    {
        Assert.NotNull(found);

        // Only the reads were wrong: Raft's own properties held, and every illegal history is on disk.
        Assert.All(found.Violations, violation => Assert.Equal(ViolationKind.Linearizability, violation.Kind));
        Assert.Equal(found.Violations.Count, found.HistoryFiles.Count);
        foreach (string file in found.HistoryFiles)
        {
            string history = File.ReadAllText(file);
            Assert.Contains("verdict: Illegal", history, StringComparison.Ordinal);
            Assert.Contains($"seed: {found.Seed}", history, StringComparison.Ordinal);
        }
    }
}
