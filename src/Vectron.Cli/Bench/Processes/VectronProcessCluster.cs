using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Google.Protobuf;
using Vectron.Cli.Node;
using Vectron.Rpc;
using Vectron.Rpc.Client;
using Vectron.Rpc.Protocol.Internal;

namespace Vectron.Cli.Bench.Processes;

/// <summary>
/// M <c>vectron raft-node</c> processes on loopback forming one Raft group, each with its own directory under the
/// root. Nodes listen on free ports (port 0) and learn each other's addresses on standard input, so parallel runs
/// never collide; a killed node restarts on its directory (log replay) and a new port, and the others are told.
/// </summary>
internal sealed class VectronProcessCluster : IKvCluster
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly RpcCallOptions PutOptions = new() { Timeout = TimeSpan.FromSeconds(5) };
    private static readonly RpcCallOptions StatusOptions = new() { Timeout = TimeSpan.FromSeconds(2) };
    /// <summary>
    /// The nodes' runtime settings, both measured on the benchmark (2 cores shared by three nodes, the client and etcd).
    /// Idle thread-pool workers spin before they sleep (70 spins by default), which took a fifth of a node's CPU time
    /// (<c>perf</c>: <c>sched_yield</c> under <c>LowLevelLifoSemaphore.Wait</c>): no spinning. The JIT promotes hot
    /// methods to optimised code only after 100 ms without new tier-0 compilations, which a busy server keeps
    /// postponing: with the default, the p99 at 16 clients stayed 15–45 ms after a 3 s warm-up and fell to 5–8 ms only
    /// after 12 s; with no delay it is there after 3 s.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> NodeEnvironment = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["DOTNET_ThreadPool_UnfairSemaphoreSpinLimit"] = "0",
        ["DOTNET_TC_CallCountingDelayMs"] = "0",
    };

    private readonly ChildProcessGroup _processes;
    private readonly string _root;
    private readonly int _heartbeatMs;
    private readonly int _electionMs;
    private readonly Member[] _members;
    private readonly List<RpcChannel> _retired = [];
    private readonly bool _verboseNodes;
    private readonly int? _snapshotEvery;

    private VectronProcessCluster(ChildProcessGroup processes, string root, int members, int heartbeatMs, int electionMs, bool verboseNodes, int? snapshotEvery)
    {
        _snapshotEvery = snapshotEvery;
        _verboseNodes = verboseNodes;
        _processes = processes;
        _root = root;
        _heartbeatMs = heartbeatMs;
        _electionMs = electionMs;
        _members = [.. Enumerable.Range(0, members).Select(i => new Member((ulong)i + 1))];
    }

    public string System => "vectron";

    public string Version => CliApplication.Version;

    public int Members => _members.Length;

    /// <summary>
    /// Starts the M nodes (each in <c>root/node-N</c>) and tells each the others' addresses. With
    /// <paramref name="verboseNodes"/> the nodes log their Raft and transport events (leader changes with terms, broken
    /// streams) into <c>root/node-N.log</c>: for benchmarks whose directory is kept. <paramref name="snapshotEvery"/>: the
    /// nodes' <c>--snapshot-every</c> (null: their default).
    /// </summary>
    public static async Task<VectronProcessCluster> StartAsync(ChildProcessGroup processes, string root, int members, int heartbeatMs, int electionMs,
        bool verboseNodes = false, int? snapshotEvery = null)
    {
        var cluster = new VectronProcessCluster(processes, root, members, heartbeatMs, electionMs, verboseNodes, snapshotEvery);
        try
        {
            await Task.WhenAll(Enumerable.Range(0, members).Select(cluster.LaunchAsync)).ConfigureAwait(false);
            await cluster.AnnouncePeersAsync().ConfigureAwait(false);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The process of member <paramref name="member"/> (null while it is down).</summary>
    public ChildProcess? ProcessOf(int member) => _members[member].Process;

    /// <inheritdoc />
    public IReadOnlyList<int> ProcessIds => [.. _members.Select(m => m.Process).OfType<ChildProcess>().Select(p => p.Id)];

    /// <summary>The process ids of every node started so far (including killed ones), for checks that none is left.</summary>
    public IReadOnlyList<int> AllProcessIds { get; private set; } = [];

    public async Task<int> FindLeaderAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            var statuses = await Task.WhenAll(Enumerable.Range(0, Members).Select(StatusAsync)).ConfigureAwait(false);
            var leaders = statuses.Where(s => s is not null).Select(s => s!.Leader).Distinct().ToArray();
            var leader = statuses.FirstOrDefault(s => s is { IsLeader: true });
            if (leader is not null && leaders.Length == 1)
            {
                return (int)leader.NodeId - 1;
            }

            await Task.Delay(20).ConfigureAwait(false);
        }

        throw new InvalidOperationException($"the {Members} vectron nodes agreed on no leader within {timeout.TotalSeconds:F0} s (logs in {_root})");
    }

    public async Task<KvPutResult> PutAsync(int member, ulong clientId, ulong requestId, ByteString key, ByteString value)
    {
        var channel = _members[member].Channel;
        if (channel is null)
        {
            return new KvPutResult(false, -1, "down");
        }

        try
        {
            var reply = await channel.UnaryAsync(BenchKvMethods.Put, new BenchPutRequest { ClientId = clientId, RequestId = requestId, Key = key, Value = value }, PutOptions).ConfigureAwait(false);
            return reply.Ok
                ? KvPutResult.Success
                : new KvPutResult(false, reply.LeaderHint is > 0 and var hint && hint <= (ulong)Members ? (int)hint - 1 : -1, reply.Error);
        }
        catch (RpcException exception)
        {
            return new KvPutResult(false, -1, exception.Status.ToString());
        }
    }

    /// <summary>Member <paramref name="member"/>'s view of the group, or null when it does not answer.</summary>
    public async Task<BenchStatusReply?> StatusAsync(int member)
    {
        if (_members[member].Channel is not { } channel)
        {
            return null;
        }

        try
        {
            return await channel.UnaryAsync(BenchKvMethods.Status, new BenchStatusRequest(), StatusOptions).ConfigureAwait(false);
        }
        catch (RpcException)
        {
            return null;
        }
    }

    /// <summary>SIGKILLs member <paramref name="member"/>'s process and waits until it is gone; returns the <see cref="Stopwatch"/> timestamp right after the signal was sent.</summary>
    public async Task<long> KillAsync(int member)
    {
        var node = _members[member];
        var process = node.Process ?? throw new InvalidOperationException($"node {node.Id} is not running");
        process.Kill(childOnly: true); // the node is the dotnet process itself: no tree to find first
        long killedAt = Stopwatch.GetTimestamp();
        await process.WaitForExitAsync().ConfigureAwait(false);
        node.Process = null;
        if (node.Channel is not null)
        {
            _retired.Add(node.Channel);
            node.Channel = null;
        }

        _processes.Forget(process);
        await process.DisposeAsync().ConfigureAwait(false);
        return killedAt;
    }

    /// <summary>Starts member <paramref name="member"/> again on its directory and tells every node its new address.</summary>
    public async Task RestartAsync(int member)
    {
        await LaunchAsync(member).ConfigureAwait(false);
        await AnnouncePeersAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(_members.Where(m => m.Process is not null).Select(m => m.Process!.StopAsync(TimeSpan.FromSeconds(10)))).ConfigureAwait(false);
        foreach (var node in _members)
        {
            if (node.Process is { } process)
            {
                _processes.Forget(process);
                await process.DisposeAsync().ConfigureAwait(false);
                node.Process = null;
            }

            node.Channel?.Dispose();
            node.Channel = null;
        }

        foreach (var channel in _retired)
        {
            channel.Dispose();
        }
    }

    /// <summary>How to run this program again: the apphost, or <c>dotnet vectron.dll</c> (also under a test host).</summary>
    internal static (string FileName, string[] Prefix) SelfCommand()
    {
        string dll = typeof(CliApplication).Assembly.Location;
        string? current = Environment.ProcessPath;
        string name = current is null ? string.Empty : Path.GetFileNameWithoutExtension(current);
        if (name == "vectron")
        {
            return (current!, []);
        }

        string dotnet = name == "dotnet" ? current! : Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        return (dotnet, [dll]);
    }

    private async Task LaunchAsync(int member)
    {
        var node = _members[member];
        string directory = Path.Combine(_root, $"node-{node.Id}");
        Directory.CreateDirectory(directory);
        var (fileName, prefix) = SelfCommand();
        string[] arguments =
        [
            .. prefix, "raft-node",
            "--id", node.Id.ToString(CultureInfo.InvariantCulture),
            "--data", directory,
            "--listen", "127.0.0.1:0",
            "--members", string.Join(',', _members.Select(m => m.Id)),
            "--heartbeat-ms", _heartbeatMs.ToString(CultureInfo.InvariantCulture),
            "--election-ms", _electionMs.ToString(CultureInfo.InvariantCulture),
            "--control-stdin",
            .. _verboseNodes ? ["--verbose"] : Array.Empty<string>(),
            .. _snapshotEvery is { } every ? ["--snapshot-every", every.ToString(CultureInfo.InvariantCulture)] : Array.Empty<string>(),
        ];
        var process = _processes.Start($"vectron node {node.Id}", fileName, arguments, Path.Combine(_root, $"node-{node.Id}.log"), NodeEnvironment);
        node.Process = process;
        AllProcessIds = [.. AllProcessIds, process.Id];
        string ready = await process.WaitForLineAsync(line => line.StartsWith("{\"ready\":true", StringComparison.Ordinal), StartTimeout, "its ready line").ConfigureAwait(false);
        int port = JsonDocument.Parse(ready).RootElement.GetProperty("port").GetInt32();
        node.Address = new Uri($"http://127.0.0.1:{port}");
        node.Channel = new RpcChannel(node.Address, new RpcChannelOptions { CircuitBreaker = false, MaxRetries = 0 });
    }

    private async Task AnnouncePeersAsync()
    {
        string line = RaftNodeCommand.PeersCommand + string.Join(',', _members.Where(m => m.Address is not null).Select(m => $"{m.Id}={m.Address!.Host}:{m.Address.Port}"));
        foreach (var node in _members)
        {
            if (node.Process is { HasExited: false } process)
            {
                await process.WriteLineAsync(line).ConfigureAwait(false);
            }
        }
    }

    private sealed class Member(ulong id)
    {
        public ulong Id { get; } = id;

        public ChildProcess? Process { get; set; }

        public Uri? Address { get; set; }

        public RpcChannel? Channel { get; set; }
    }
}
