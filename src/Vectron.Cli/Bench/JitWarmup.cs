using System.Diagnostics;
using Vectron.Index;

namespace Vectron.Cli.Bench;

/// <summary>
/// Runs searches, untimed, for a while before the first measurement. The runtime compiles methods
/// in tiers (quick code first, optimised code with profile-guided layout after ~30 calls and a
/// pause): without this phase the first sweep values would time half-compiled code. A server in
/// steady state runs the optimised tier, and that is what the benchmarks mean to measure.
/// </summary>
internal static class JitWarmup
{
    /// <summary>
    /// Searches for at least <paramref name="seconds"/>, cycling through the sweep's ef values with up to
    /// 200 queries each, one query at a time and in parallel batches, so that every path the timed
    /// passes take (sequential, parallel, each ef) has run many times.
    /// </summary>
    public static void Run(QueryRunner runner, IReadOnlyList<int> efValues, int threads, double seconds)
    {
        if (seconds <= 0 || efValues.Count == 0)
        {
            return;
        }

        int queries = Math.Min(runner.QueryCount, 200);
        long start = Stopwatch.GetTimestamp();
        for (int round = 0; Stopwatch.GetElapsedTime(start).TotalSeconds < seconds; round++)
        {
            var parameters = new SearchParameters { Ef = efValues[round % efValues.Count] };
            runner.RunSequential(queries, parameters, ids: null, latencies: null);
            runner.RunParallel(queries, Math.Max(threads, 2), parameters);
        }
    }
}
