using System.Text;
using Xunit.Abstractions;

namespace Vectron.Simulation.Tests;

/// <summary>
/// The seeded whole-cluster simulation: every seed of the budget runs without a safety, liveness or linearizability
/// violation, and a seed replays exactly. Seeds and switches: <see cref="SimulationSeeds"/>.
/// </summary>
public sealed class ClusterSimulationTests
{
    private readonly ITestOutputHelper _output;

    public ClusterSimulationTests(ITestOutputHelper output)
    {
        _output = output;
    }

    public static TheoryData<ulong, long> Chunks() => SimulationSeeds.Chunks();

    [Theory]
    [MemberData(nameof(Chunks))]
    public void Seeds_RunWithoutViolations(ulong firstSeed, long count)
    {
        var options = new SimulationOptions { HistoryDirectory = SimulationSeeds.HistoryDirectory };
        var summary = SimulationSweep.Run(
            firstSeed,
            count == SimulationSeeds.Unbounded ? null : count,
            options,
            onRun: null,
            stop: sweep => sweep.Failures.Count > 0);

        _output.WriteLine($"seeds {firstSeed}..{firstSeed + (ulong)summary.Runs - 1}: {summary}");
        if (summary.Failures.Count > 0)
        {
            var message = new StringBuilder();
            foreach (var failure in summary.Failures)
            {
                message.Append(failure.Describe()).Append("  ").Append(SimulationSeeds.Replay(failure.Seed)).Append('\n');
            }

            Assert.Fail(message.ToString());
        }

        Assert.True(summary.Faults.Total > 0, "the runs injected no faults");
        Assert.True(summary.CompletedOperations > 0, "no client operation was answered");
    }

    [Theory]
    [InlineData(7UL)]
    [InlineData(1234567UL)]
    public void SameSeed_ReplaysExactly(ulong seed)
    {
        var options = new SimulationOptions { FaultTicks = 150, LivenessTicks = 200 };

        var first = ClusterSimulation.Run(seed, options);
        var second = ClusterSimulation.Run(seed, options);

        Assert.True(first.TraceHash == second.TraceHash, $"seed {seed} ran differently twice:\n{first.Describe()}{second.Describe()}");
        Assert.Equal(first.Summary, second.Summary);
        Assert.NotEqual(first.TraceHash, ClusterSimulation.Run(seed + 1, options).TraceHash);
    }

    [Fact]
    public void FaultFreeRun_AnswersEveryOperation()
    {
        var result = ClusterSimulation.Run(1, new SimulationOptions { Faults = FaultRates.None, FaultTicks = 100, LivenessTicks = 100 });

        Assert.True(result.Passed, result.Describe());
        Assert.Equal(0, result.Faults.Total);
        Assert.True(result.CompletedOperations > 100, result.Describe());
    }
}
