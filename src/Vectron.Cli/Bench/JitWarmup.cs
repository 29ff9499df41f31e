using System.Diagnostics;
using System.Runtime;
using Vectron.Cli.Datasets;
using Vectron.Index;

namespace Vectron.Cli.Bench;

/// <summary>
/// Runs searches, untimed, before the first measurement. The runtime compiles methods in tiers
/// (quick code first, then optimised code with profile-guided layout after ~30 calls and a pause,
/// in the background); without this phase the first sweep values would time half-compiled code and
/// the compilations themselves. A server in steady state runs the optimised tier, and that is what
/// the benchmarks mean to measure.
/// </summary>
internal static class JitWarmup
{
    // After the minimum time, warm-up continues until the JIT has compiled nothing for this long
    // (while every setting ran at least once), or until MaximumFactor times the minimum.
    private const double QuietSeconds = 0.3;
    private const double MaximumFactor = 5;

    /// <summary>
    /// Searches for at least <paramref name="seconds"/> and until the JIT has gone quiet, cycling
    /// through the sweep's ef values with up to 200 queries each, one query at a time (recording ids
    /// and latencies, as the timed pass does) and in parallel batches, so that every path the timed
    /// passes take has run many times. Reports to <paramref name="diagnostics"/> how long it took.
    /// </summary>
    public static void Run(QueryRunner runner, int k, IReadOnlyList<int> efValues, int threads, double seconds, TextWriter diagnostics)
    {
        var rounds = new SearchParameters[efValues.Count];
        for (int i = 0; i < rounds.Length; i++)
        {
            rounds[i] = new SearchParameters { Ef = efValues[i] };
        }

        Run(runner, k, rounds, threads, seconds, diagnostics);
    }

    /// <summary>
    /// As the ef overload, cycling through whole search settings instead (filters, exact scans), so
    /// that each code path the timed passes take is compiled to its optimised tier first.
    /// </summary>
    public static void Run(QueryRunner runner, int k, IReadOnlyList<SearchParameters> rounds, int threads, double seconds, TextWriter diagnostics)
    {
        if (seconds <= 0 || rounds.Count == 0)
        {
            return;
        }

        int queries = Math.Min(runner.QueryCount, 200);
        var ids = new DenseMatrix<int>(queries, k);
        var latencies = new double[queries];
        long start = Stopwatch.GetTimestamp();
        long lastCompiled = JitInfo.GetCompiledMethodCount();
        long quietSince = start;
        int quietRounds = 0;
        int round = 0;
        while (true)
        {
            SearchParameters parameters = rounds[round % rounds.Count];
            runner.RunSequential(queries, parameters, ids, latencies);
            runner.RunParallel(queries, Math.Max(threads, 2), parameters);
            round++;

            long now = Stopwatch.GetTimestamp();
            long compiled = JitInfo.GetCompiledMethodCount();
            if (compiled != lastCompiled)
            {
                lastCompiled = compiled;
                quietSince = now;
                quietRounds = 0;
            }
            else
            {
                quietRounds++;
            }

            double elapsed = Stopwatch.GetElapsedTime(start, now).TotalSeconds;
            bool quiet = quietRounds >= rounds.Count && Stopwatch.GetElapsedTime(quietSince, now).TotalSeconds >= QuietSeconds;
            if ((elapsed >= seconds && quiet) || elapsed >= seconds * MaximumFactor)
            {
                diagnostics.WriteLine($"JIT warm-up: {elapsed:F2} s, {round} rounds{(quiet ? string.Empty : "; the JIT was still compiling when it stopped")}");
                return;
            }
        }
    }
}
