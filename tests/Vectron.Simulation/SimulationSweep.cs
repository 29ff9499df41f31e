namespace Vectron.Simulation;

/// <summary>Runs the simulation for consecutive seeds and adds up what they found (the CI budget, an open-ended sweep, <c>vectron simulate</c>).</summary>
internal static class SimulationSweep
{
    /// <summary>
    /// Runs seeds <paramref name="firstSeed"/>, <paramref name="firstSeed"/> + 1, ... until <paramref name="count"/>
    /// ran (null: until <paramref name="stop"/> says so, or forever), one after another on the calling thread.
    /// </summary>
    /// <param name="firstSeed">The first seed.</param>
    /// <param name="count">How many seeds; null for an open-ended sweep.</param>
    /// <param name="options">The options of every run.</param>
    /// <param name="onRun">Called after each run, for progress and failure reports.</param>
    /// <param name="stop">Asked before each run; true ends the sweep.</param>
    public static SweepSummary Run(ulong firstSeed, long? count, SimulationOptions options, Action<SimulationResult>? onRun = null, Func<SweepSummary, bool>? stop = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (count is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, "the seed count must not be negative");
        }

        var summary = new SweepSummary();
        for (ulong seed = firstSeed; count is null || summary.Runs < count; seed++)
        {
            if (stop?.Invoke(summary) == true)
            {
                break;
            }

            var result = ClusterSimulation.Run(seed, options);
            summary.Add(result);
            onRun?.Invoke(result);
        }

        return summary;
    }
}
