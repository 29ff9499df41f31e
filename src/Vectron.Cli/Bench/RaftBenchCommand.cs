using System.Diagnostics;
using System.Text.Json;
using Vectron.Raft.Core;
using Vectron.Raft.Hosting;
using Vectron.Server.Consensus;
using Vectron.Storage.Log;

namespace Vectron.Cli.Bench;

/// <summary>
/// <c>vectron bench raft</c>: one Raft group of M members, one <see cref="RaftHost"/> each, joined by the
/// in-memory transport, each persisting through its own real <see cref="LogEngine"/> (fdatasync) in a temporary
/// directory. C clients propose V-byte writes to the leader, each waiting for its result (committed and applied)
/// before the next. Prints one JSON object.
/// </summary>
internal sealed class RaftBenchCommand(RaftBenchOptions options, TextWriter output, TextWriter diagnostics)
{
    private const ulong GroupId = 1;

    public int Run()
    {
        if (options.Processes)
        {
            return new ProcessRaftBenchCommand(options, output, diagnostics).Run();
        }

        bool ownDirectory = options.Directory is null;
        string root = options.Directory ?? System.IO.Directory.CreateTempSubdirectory("vectron-bench-raft-").FullName;
        try
        {
            if (options.IdleGroups > 0)
            {
                RunIdle(Path.Combine(root, "idle")).GetAwaiter().GetResult();
                return 0;
            }

            var runs = new List<RaftRun>();
            for (int rep = 0; rep < options.Repetitions; rep++)
            {
                var run = RunOnce(Path.Combine(root, $"rep-{rep}")).GetAwaiter().GetResult();
                runs.Add(run);
                diagnostics.WriteLine($"rep {rep + 1}: {run.WritesPerSecond:F0} writes/s, p50 {run.P50:F2} ms, p99 {run.P99:F2} ms, {run.SyncsPerSecond:F0} fsyncs/s on the leader, {run.Failed} failed");
            }

            Report(runs);
            return 0;
        }
        finally
        {
            if (ownDirectory)
            {
                System.IO.Directory.Delete(root, recursive: true);
            }
        }
    }

    private async Task<RaftRun> RunOnce(string directory)
    {
        var cluster = await BenchCluster.StartAsync(directory, options.Members, groups: 1).ConfigureAwait(false);
        await using var disposeCluster = cluster.ConfigureAwait(false);
        RaftHost leader = await WaitForLeader(cluster.Hosts).ConfigureAwait(false);
        LogEngine leaderLog = cluster.Engines[(int)leader.NodeId - 1];
        var payload = new byte[options.ValueSize];
        new Random(42).NextBytes(payload);

        // Warm up (JIT, first segments) for a fifth of the time, untimed; then the timed phase.
        await RunClients(leader, payload, options.Seconds / 5, latencies: null).ConfigureAwait(false);
        var before = leaderLog.Stats;
        var latencies = new List<double>[options.Clients];
        var stopwatch = Stopwatch.StartNew();
        var (writes, failed) = await RunClients(leader, payload, options.Seconds, latencies).ConfigureAwait(false);
        double seconds = stopwatch.Elapsed.TotalSeconds;
        var after = leaderLog.Stats;
        double[] all = [.. latencies.SelectMany(l => l)];
        return new RaftRun(
            writes / seconds,
            LatencyStatistics.Percentile(all, 50),
            LatencyStatistics.Percentile(all, 99),
            (after.Syncs - before.Syncs) / seconds,
            failed);
    }

    /// <summary>
    /// Starts the idle groups (every host a member of each), waits until no Raft message has been delivered for a
    /// second (the groups quiesced) or 120 s passed, then measures this process's CPU time over the timed phase.
    /// </summary>
    private async Task RunIdle(string directory)
    {
        var cluster = await BenchCluster.StartAsync(directory, options.Members, options.IdleGroups).ConfigureAwait(false);
        await using var disposeCluster = cluster.ConfigureAwait(false);
        var network = cluster.Network;
        var settle = Stopwatch.StartNew();
        // Quiet alone is not settled: before the first election timeout (1–2 s) no message flows at
        // all, so first every group must have a leader, then a second without messages means quiesced.
        await WaitForAllLeadersAsync(cluster.Hosts, options.IdleGroups, settle).ConfigureAwait(false);
        long delivered = network.DeliveredMessages;
        var quiet = Stopwatch.StartNew();
        while (quiet.Elapsed < TimeSpan.FromSeconds(1) && settle.Elapsed < TimeSpan.FromSeconds(120))
        {
            await Task.Delay(100).ConfigureAwait(false);
            long now = network.DeliveredMessages;
            if (now != delivered)
            {
                delivered = now;
                quiet.Restart();
            }
        }
        diagnostics.WriteLine($"{options.IdleGroups} groups settled after {settle.Elapsed.TotalSeconds:F1} s ({network.DeliveredMessages} messages delivered)");

        using var process = Process.GetCurrentProcess();
        process.Refresh();
        var cpuBefore = process.TotalProcessorTime;
        long messagesBefore = network.DeliveredMessages;
        var wall = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(options.Seconds)).ConfigureAwait(false);
        process.Refresh();
        double cpu = (process.TotalProcessorTime - cpuBefore).TotalSeconds;
        double seconds = wall.Elapsed.TotalSeconds;
        var result = new Dictionary<string, object>
        {
            ["benchmark"] = "raft-idle",
            ["members"] = options.Members,
            ["idle_groups"] = options.IdleGroups,
            ["seconds"] = options.Seconds,
            ["settle_sec"] = Math.Round(settle.Elapsed.TotalSeconds, 1),
            ["cpu_percent_of_one_core"] = LatencyStatistics.RoundSignificant(100 * cpu / seconds, 4),
            ["messages_per_sec"] = Math.Round((network.DeliveredMessages - messagesBefore) / seconds, 1),
        };
        output.WriteLine(JsonSerializer.Serialize(result));
    }

    private static async Task WaitForAllLeadersAsync(IReadOnlyList<RaftHost> hosts, int groups, Stopwatch since)
    {
        for (ulong group = 1; group <= (ulong)groups && since.Elapsed < TimeSpan.FromSeconds(120); group++)
        {
            while (!await HasLeaderAsync(hosts, group).ConfigureAwait(false) && since.Elapsed < TimeSpan.FromSeconds(120))
            {
                await Task.Delay(50).ConfigureAwait(false);
            }
        }
    }

    private static async Task<bool> HasLeaderAsync(IReadOnlyList<RaftHost> hosts, ulong group)
    {
        foreach (var host in hosts)
        {
            if ((await host.GetStatusAsync(group).ConfigureAwait(false))?.Role == RaftRole.Leader)
            {
                return true;
            }
        }

        return false;
    }

    private static async Task<RaftHost> WaitForLeader(IReadOnlyList<RaftHost> hosts)
    {
        long deadline = Stopwatch.GetTimestamp() + (30 * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            foreach (var host in hosts)
            {
                if ((await host.GetStatusAsync(GroupId).ConfigureAwait(false))?.Role == RaftRole.Leader)
                {
                    return host;
                }
            }
            await Task.Delay(20).ConfigureAwait(false);
        }
        throw new InvalidOperationException("no leader was elected within 30 seconds");
    }

    private async Task<(long Writes, long Failed)> RunClients(RaftHost leader, byte[] payload, double seconds, List<double>[]? latencies)
    {
        long deadline = Stopwatch.GetTimestamp() + (long)(seconds * Stopwatch.Frequency);
        long writes = 0, failed = 0;
        var clients = new Task[options.Clients];
        for (int c = 0; c < clients.Length; c++)
        {
            int client = c;
            var samples = new List<double>();
            if (latencies is not null)
            {
                latencies[client] = samples;
            }
            clients[c] = Task.Run(async () =>
            {
                ulong request = 0;
                // Client ids are distinct per phase so a retried request id is never mistaken for an old one.
                ulong clientId = ((ulong)(latencies is null ? 0 : 1) << 32) | (ulong)client + 1;
                while (Stopwatch.GetTimestamp() < deadline)
                {
                    long start = Stopwatch.GetTimestamp();
                    var result = await leader.ProposeAsync(GroupId, clientId, ++request, payload).ConfigureAwait(false);
                    if (result.IsOk)
                    {
                        Interlocked.Increment(ref writes);
                        samples.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                    }
                    else
                    {
                        Interlocked.Increment(ref failed);
                    }
                }
            });
        }
        await Task.WhenAll(clients).ConfigureAwait(false);
        return (writes, failed);
    }

    private void Report(List<RaftRun> runs)
    {
        var result = new Dictionary<string, object>
        {
            ["benchmark"] = "raft",
            ["members"] = options.Members,
            ["clients"] = options.Clients,
            ["value_size"] = options.ValueSize,
            ["seconds"] = options.Seconds,
            ["reps"] = options.Repetitions,
            ["transport"] = "in-memory",
            ["writes_per_sec"] = Math.Round(LatencyStatistics.Median(runs.Select(r => r.WritesPerSecond)), 1),
            ["p50_ms"] = LatencyStatistics.RoundSignificant(LatencyStatistics.Median(runs.Select(r => r.P50)), 4),
            ["p99_ms"] = LatencyStatistics.RoundSignificant(LatencyStatistics.Median(runs.Select(r => r.P99)), 4),
            ["leader_fsyncs_per_sec"] = Math.Round(LatencyStatistics.Median(runs.Select(r => r.SyncsPerSecond)), 1),
            ["failed"] = runs.Sum(r => r.Failed),
        };
        output.WriteLine(JsonSerializer.Serialize(result));
    }

    private sealed record RaftRun(double WritesPerSecond, double P50, double P99, double SyncsPerSecond, long Failed);

    /// <summary>
    /// M hosts in this process on one in-memory network, each persisting to its own log engine under
    /// <c>directory/node-i</c>, all members of groups 1..G. Disposing stops the hosts, then closes the logs.
    /// </summary>
    private sealed class BenchCluster : IAsyncDisposable
    {
        public InMemoryNetwork Network { get; } = new();

        public List<LogEngine> Engines { get; } = [];

        public List<RaftHost> Hosts { get; } = [];

        public static async Task<BenchCluster> StartAsync(string directory, int members, int groups)
        {
            var cluster = new BenchCluster();
            try
            {
                ulong[] ids = [.. Enumerable.Range(1, members).Select(i => (ulong)i)];
                foreach (ulong id in ids)
                {
                    var engine = LogEngine.Open(new LogEngineOptions { Directory = Path.Combine(directory, $"node-{id}") });
                    cluster.Engines.Add(engine);
                    // Default timing: 100 ms ticks, heartbeat 1 tick, election 10 ticks.
                    var host = new RaftHost(new RaftHostOptions { NodeId = id, RandomSeed = (int)id, SnapshotEveryEntries = 0 }, new LogEngineRaftLogStore(engine), new MemoryRaftSnapshotStore(), cluster.Network.CreateTransport());
                    cluster.Hosts.Add(host);
                    host.Start();
                }
                for (ulong group = 1; group <= (ulong)groups; group++)
                {
                    foreach (var host in cluster.Hosts)
                    {
                        await host.StartGroupAsync(new RaftGroupConfig(group, new DiscardingStateMachine()) { InitialMembers = ids }).ConfigureAwait(false);
                    }
                }
                return cluster;
            }
            catch
            {
                await cluster.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var host in Hosts)
            {
                await host.DisposeAsync().ConfigureAwait(false);
            }
            foreach (var engine in Engines)
            {
                engine.Dispose();
            }
        }
    }

    /// <summary>A state machine that keeps nothing: the benchmark measures consensus and the log, not the application.</summary>
    private sealed class DiscardingStateMachine : IStateMachine
    {
        public void Apply(ReadOnlySpan<StateMachineCommand> commands, Span<ReadOnlyMemory<byte>> results) => results.Clear();

        public ReadOnlyMemory<byte> Lookup(ReadOnlyMemory<byte> query) => default;

        public Task SaveSnapshotAsync(Stream destination, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task RestoreSnapshotAsync(Stream source, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
