using System.Diagnostics;
using System.Text.Json;
using Vectron.Cli.Bench.Processes;

namespace Vectron.Cli.Bench;

/// <summary>
/// <c>vectron bench failover</c>: three <c>vectron raft-node</c> processes under continuous write load
/// (<see cref="KvLoad"/>). N times: find the leader, SIGKILL it, measure the outage (from the kill until a write that
/// started after it commits, through whichever node leads now), restart the killed node on its directory, wait until
/// it has applied everything committed when it came back, let the load run steadily, and go on. One JSON object per
/// kill, then a summary with the median and maximum outage against the bar (2 s with a 100 ms heartbeat and a 1 s
/// election timeout).
/// </summary>
internal sealed class FailoverBenchCommand(FailoverBenchOptions options, TextWriter output, TextWriter diagnostics)
{
    private const int Members = 3;
    private const double BarMs = 2000;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private long _killedAt = long.MaxValue;
    private TaskCompletionSource<long>? _recovered;

    public int Run() => RunAsync().GetAwaiter().GetResult();

    private async Task<int> RunAsync()
    {
        bool ownDirectory = options.Directory is null;
        string root = options.Directory ?? Directory.CreateTempSubdirectory("vectron-bench-failover-").FullName;
        var processes = new ChildProcessGroup();
        try
        {
            var cluster = await VectronProcessCluster.StartAsync(processes, root, Members, options.HeartbeatMilliseconds, options.ElectionMilliseconds, verboseNodes: !ownDirectory).ConfigureAwait(false);
            await using (cluster.ConfigureAwait(false))
            {
                int leader = await cluster.FindLeaderAsync(Timeout).ConfigureAwait(false);
                var load = new KvLoad(cluster, options.Clients, options.ValueSize, leader);
                using var stop = new CancellationTokenSource();
                var running = load.RunAsync(recordLatencies: false, OnSuccess, stop.Token);
                var outages = new List<double>();
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(Math.Max(1, options.SettleSeconds))).ConfigureAwait(false);
                    for (int kill = 1; kill <= options.Kills; kill++)
                    {
                        outages.Add(await KillLeaderOnceAsync(cluster, kill).ConfigureAwait(false));
                        await Task.Delay(TimeSpan.FromSeconds(options.SettleSeconds)).ConfigureAwait(false);
                    }
                }
                finally
                {
                    await stop.CancelAsync().ConfigureAwait(false);
                    var totals = await running.ConfigureAwait(false);
                    diagnostics.WriteLine($"load: {totals.Writes} writes committed, {totals.Failed} failed attempts (during outages)");
                }

                double max = outages.Max();
                Write(new Dictionary<string, object>
                {
                    ["benchmark"] = "failover-summary",
                    ["kills"] = outages.Count,
                    ["members"] = Members,
                    ["clients"] = options.Clients,
                    ["heartbeat_ms"] = options.HeartbeatMilliseconds,
                    ["election_ms"] = options.ElectionMilliseconds,
                    ["median_outage_ms"] = Math.Round(LatencyStatistics.Median(outages), 1),
                    ["max_outage_ms"] = Math.Round(max, 1),
                    ["min_outage_ms"] = Math.Round(outages.Min(), 1),
                    ["bar_max_ms"] = BarMs,
                    ["bar_met"] = max <= BarMs,
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

    private async Task<double> KillLeaderOnceAsync(VectronProcessCluster cluster, int kill)
    {
        int leader = await cluster.FindLeaderAsync(Timeout).ConfigureAwait(false);
        var recovered = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _recovered, recovered);
        // Only writes that start after SIGKILL was sent count, and the outage is measured from then. No write counts
        // while the kill is under way: one started just before the signal can still commit on the old leader (a run
        // here measured an outage of -0.1 ms when a pre-kill time stamp was used). A write that starts after the signal
        // and commits before its time is published would be missed — it cannot: no leader is elected that fast.
        Volatile.Write(ref _killedAt, long.MaxValue);
        long killedAt = await cluster.KillAsync(leader).ConfigureAwait(false);
        Volatile.Write(ref _killedAt, killedAt);
        long recoveredAt = await recovered.Task.WaitAsync(Timeout).ConfigureAwait(false);
        double outageMs = Stopwatch.GetElapsedTime(killedAt, recoveredAt).TotalMilliseconds;
        int newLeader = await cluster.FindLeaderAsync(Timeout).ConfigureAwait(false);

        // Bring the killed node back on its directory and wait until it has applied all that was committed by then.
        var restart = Stopwatch.StartNew();
        await cluster.RestartAsync(leader).ConfigureAwait(false);
        ulong target = (await cluster.StatusAsync(newLeader).ConfigureAwait(false))?.CommitIndex ?? 0;
        ulong applied = 0;
        while ((await cluster.StatusAsync(leader).ConfigureAwait(false))?.AppliedIndex is not { } now || (applied = now) < target)
        {
            if (restart.Elapsed > Timeout)
            {
                throw new InvalidOperationException($"node {leader + 1} restarted but applied only {applied} of {target} entries within {Timeout.TotalSeconds:F0} s");
            }

            await Task.Delay(20).ConfigureAwait(false);
        }

        double catchUpMs = restart.Elapsed.TotalMilliseconds;
        Write(new Dictionary<string, object>
        {
            ["benchmark"] = "failover",
            ["kill"] = kill,
            ["killed_node"] = leader + 1,
            ["new_leader"] = newLeader + 1,
            ["outage_ms"] = Math.Round(outageMs, 1),
            ["restart_and_catch_up_ms"] = Math.Round(catchUpMs, 1),
            ["caught_up_to_index"] = target,
        });
        diagnostics.WriteLine($"kill {kill}: node {leader + 1} killed, writes resumed after {outageMs:F0} ms through node {newLeader + 1}; restarted and caught up (index {target}) in {catchUpMs:F0} ms");
        return outageMs;
    }

    /// <summary>A write committed: the first that started after the kill ends the outage.</summary>
    private void OnSuccess(long start, long end)
    {
        if (start > Volatile.Read(ref _killedAt) && Volatile.Read(ref _recovered) is { } recovered)
        {
            recovered.TrySetResult(end);
        }
    }

    private void Write(Dictionary<string, object> result)
    {
        output.WriteLine(JsonSerializer.Serialize(result, JsonLineWriter.SerializerOptions));
        output.Flush();
    }
}
