using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Vectron.Cli.Bench.Processes;

namespace Vectron.Cli.Bench;

/// <summary>
/// <c>vectron bench raft --processes [--vs-etcd]</c>: a Raft group of M <c>vectron raft-node</c> processes on
/// loopback (real log engine, RPC transport), and with <c>--vs-etcd</c> an M-member etcd cluster beside it, driven by
/// the same <see cref="KvLoad"/> writers over gRPC. Each repetition starts each system fresh, writes to all of them at
/// once, untimed, for the warm-up (S/5 seconds, at least 65: steady state, see <see cref="WarmUpAsync"/>), then times
/// S seconds of each in turn (after a 1 s untimed lead-in; the first alternating between repetitions), so both see
/// the same machine. Prints one JSON object per system (medians over the repetitions) and, with etcd, their ratios.
/// </summary>
internal sealed class ProcessRaftBenchCommand(RaftBenchOptions options, TextWriter output, TextWriter diagnostics)
{
    private static readonly TimeSpan LeaderTimeout = TimeSpan.FromSeconds(30);
    private const double LeadInSeconds = 1;

    public int Run() => RunAsync().GetAwaiter().GetResult();

    private async Task<int> RunAsync()
    {
        bool ownDirectory = options.Directory is null;
        string root = options.Directory ?? Directory.CreateTempSubdirectory("vectron-bench-raft-processes-").FullName;
        var processes = new ChildProcessGroup();
        try
        {
            var runs = new Dictionary<string, List<SystemRun>>(StringComparer.Ordinal) { ["vectron"] = [] };
            var versions = new Dictionary<string, string>(StringComparer.Ordinal);
            if (options.VersusEtcd)
            {
                runs["etcd"] = [];
            }

            for (int rep = 0; rep < options.Repetitions; rep++)
            {
                // Alternate which system goes first, so neither always runs on a cold client or after the other's load.
                var order = (rep % 2 == 0 ? runs.Keys : runs.Keys.Reverse()).ToArray();
                var clusters = new List<IKvCluster>();
                try
                {
                    foreach (string system in order)
                    {
                        string directory = Path.Combine(root, $"rep-{rep}", system);
                        clusters.Add(system == "etcd"
                            ? await EtcdCluster.StartAsync(processes, directory, options.Members, options.SnapshotEvery).ConfigureAwait(false)
                            : await VectronProcessCluster.StartAsync(processes, directory, options.Members, options.HeartbeatMilliseconds, options.ElectionMilliseconds, verboseNodes: !ownDirectory, snapshotEvery: options.SnapshotEvery).ConfigureAwait(false));
                        versions[system] = clusters[^1].Version;
                    }

                    var loads = await WarmUpAsync(clusters).ConfigureAwait(false);
                    for (int i = 0; i < order.Length; i++)
                    {
                        var run = await MeasureAsync(clusters[i], loads[i]).ConfigureAwait(false);
                        runs[order[i]].Add(run);
                        diagnostics.WriteLine($"rep {rep + 1} {order[i]}: {run.WritesPerSecond:F0} writes/s, p50 {run.P50:F2} ms, p99 {run.P99:F2} ms, {run.Failed} failed, " +
                            $"cpu per write {run.CpuMsPerWrite * 1000:F0} µs (client {run.ClientCpuMsPerWrite * 1000:F0} µs); " +
                            $"p99 by second {string.Join(' ', run.P99BySecond.Select(p => p.ToString("F2", CultureInfo.InvariantCulture)))}");
                    }
                }
                finally
                {
                    for (int i = clusters.Count - 1; i >= 0; i--)
                    {
                        await clusters[i].DisposeAsync().ConfigureAwait(false);
                    }
                }
            }

            var reported = new Dictionary<string, (double Rate, double P99)>(StringComparer.Ordinal);
            foreach (var (system, list) in runs)
            {
                double rate = LatencyStatistics.Median(list.Select(r => r.WritesPerSecond));
                double p99 = LatencyStatistics.Median(list.Select(r => r.P99));
                reported[system] = (rate, p99);
                Write(new Dictionary<string, object>
                {
                    ["benchmark"] = "raft-processes",
                    ["system"] = system,
                    ["version"] = versions[system],
                    ["members"] = options.Members,
                    ["clients"] = options.Clients,
                    ["value_size"] = options.ValueSize,
                    ["seconds"] = options.Seconds,
                    ["reps"] = options.Repetitions,
                    ["heartbeat_ms"] = system == "etcd" ? 100 : options.HeartbeatMilliseconds,
                    ["election_ms"] = system == "etcd" ? 1000 : options.ElectionMilliseconds,
                    ["writes_per_sec"] = Math.Round(rate, 1),
                    ["p50_ms"] = LatencyStatistics.RoundSignificant(LatencyStatistics.Median(list.Select(r => r.P50)), 4),
                    ["p99_ms"] = LatencyStatistics.RoundSignificant(p99, 4),
                    ["failed"] = list.Sum(r => r.Failed),
                    ["cpu_us_per_write"] = list.All(r => r.CpuMsPerWrite is not null)
                        ? Math.Round(LatencyStatistics.Median(list.Select(r => r.CpuMsPerWrite!.Value)) * 1000, 1)
                        : null!,
                    ["client_cpu_us_per_write"] = Math.Round(LatencyStatistics.Median(list.Select(r => r.ClientCpuMsPerWrite)) * 1000, 1),
                });
            }

            if (options.VersusEtcd)
            {
                Write(new Dictionary<string, object>
                {
                    ["benchmark"] = "raft-processes-ratio",
                    ["members"] = options.Members,
                    ["clients"] = options.Clients,
                    ["value_size"] = options.ValueSize,
                    ["throughput_vectron_over_etcd"] = LatencyStatistics.RoundSignificant(reported["vectron"].Rate / reported["etcd"].Rate, 3),
                    ["p99_vectron_over_etcd"] = LatencyStatistics.RoundSignificant(reported["vectron"].P99 / reported["etcd"].P99, 3),
                });
            }

            return 0;
        }
        finally
        {
            await processes.DisposeAsync().ConfigureAwait(false);
            if (ownDirectory)
            {
                Directory.Delete(root, recursive: true);
            }
        }
    }

    /// <summary>
    /// Puts every system of the repetition under the same load at once for the warm-up, so each reaches its steady
    /// state without the warm-up doubling the run: a .NET process promotes code called once a second to optimized code
    /// only after 30 calls, and twice that under dynamic PGO, so the nodes compile in bursts for a minute after they start,
    /// the largest at ~30 and ~60 s (docs/benchmarks.md); etcd, in Go, has no such phase.
    /// </summary>
    private async Task<KvLoad[]> WarmUpAsync(List<IKvCluster> clusters)
    {
        var loads = new KvLoad[clusters.Count];
        for (int i = 0; i < clusters.Count; i++)
        {
            int leader = await clusters[i].FindLeaderAsync(LeaderTimeout).ConfigureAwait(false);
            loads[i] = new KvLoad(clusters[i], options.Clients, options.ValueSize, leader);
        }

        using var warmup = new CancellationTokenSource(TimeSpan.FromSeconds(options.ProcessWarmupSeconds));
        await Task.WhenAll(loads.Select(load => load.RunAsync(recordLatencies: false, onSuccess: null, warmup.Token))).ConfigureAwait(false);
        return loads;
    }

    private async Task<SystemRun> MeasureAsync(IKvCluster cluster, KvLoad load)
    {
        // A short untimed lead-in: this system's load is flowing (and the other's stopped) when the window opens.
        using (var leadIn = new CancellationTokenSource(TimeSpan.FromSeconds(Math.Min(LeadInSeconds, options.ProcessWarmupSeconds))))
        {
            await load.RunAsync(recordLatencies: false, onSuccess: null, leadIn.Token).ConfigureAwait(false);
        }

        var members = cluster.ProcessIds;
        var clusterCpu = ProcessTreeCpu.Total(members);
        var clientCpu = Environment.CpuUsage.TotalTime;
        var watch = Stopwatch.StartNew();
        using var timed = new CancellationTokenSource(TimeSpan.FromSeconds(options.Seconds));
        // Each committed write's latency by the second of the window it started in: shows a system still warming up.
        long windowStart = Stopwatch.GetTimestamp();
        var bySecond = new List<List<double>>();
        var result = await load.RunAsync(recordLatencies: true, onSuccess: (start, end) =>
        {
            int second = (int)Stopwatch.GetElapsedTime(windowStart, start).TotalSeconds;
            lock (bySecond)
            {
                while (bySecond.Count <= second)
                {
                    bySecond.Add([]);
                }
                bySecond[second].Add(Stopwatch.GetElapsedTime(start, end).TotalMilliseconds);
            }
        }, timed.Token).ConfigureAwait(false);
        double seconds = watch.Elapsed.TotalSeconds;
        clientCpu = Environment.CpuUsage.TotalTime - clientCpu;
        clusterCpu = ProcessTreeCpu.Total(members) - clusterCpu;
        if (result.Writes == 0)
        {
            throw new InvalidOperationException($"{cluster.System}: no write committed in {seconds:F1} s ({result.Failed} failed)");
        }

        return new SystemRun(
            result.Writes / seconds,
            LatencyStatistics.Percentile(result.LatenciesMs, 50),
            LatencyStatistics.Percentile(result.LatenciesMs, 99),
            result.Failed,
            clusterCpu?.TotalMilliseconds / result.Writes,
            clientCpu.TotalMilliseconds / result.Writes,
            [.. bySecond.Select(latencies => latencies.Count == 0 ? double.NaN : LatencyStatistics.Percentile([.. latencies], 99))]);
    }

    private void Write(Dictionary<string, object> result)
    {
        output.WriteLine(JsonSerializer.Serialize(result, JsonLineWriter.SerializerOptions));
        output.Flush();
    }

    /// <param name="WritesPerSecond">Committed writes per second over the timed window.</param>
    /// <param name="P50">Median write latency, ms.</param>
    /// <param name="P99">99th percentile write latency, ms.</param>
    /// <param name="Failed">Writes that did not commit.</param>
    /// <param name="CpuMsPerWrite">CPU time of the members' processes (user + system, 10 ms resolution) over the timed window, per committed write; null without /proc.</param>
    /// <param name="ClientCpuMsPerWrite">The same for this process, which runs the clients.</param>
    /// <param name="P99BySecond">The p99 of the writes that started in each second of the window, ms.</param>
    private sealed record SystemRun(double WritesPerSecond, double P50, double P99, long Failed, double? CpuMsPerWrite, double ClientCpuMsPerWrite, double[] P99BySecond);
}
