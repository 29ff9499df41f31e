using System.Collections.Concurrent;
using System.Net;
using Vectron.Raft.Core;
using Vectron.Raft.Hosting;
using Vectron.Rpc.Raft;
using Vectron.Rpc.Server;

namespace Vectron.Rpc.Tests.Raft;

/// <summary>
/// Raft hosts that talk over <see cref="RpcRaftTransport"/> on loopback: each node has its own server (port 0), and
/// the transports find peers through an address book, so a restarted node (on a new port) is found on reconnect.
/// Hosts run their own loops on real time; tests wait on conditions.
/// </summary>
internal sealed class RpcCluster : IAsyncDisposable
{
    public const ulong Group = 1;
    private readonly ConcurrentDictionary<ulong, Uri> _addresses = new();
    private readonly Func<RaftHostOptions, RaftHostOptions> _configure;
    private readonly ulong[] _members;
    private ulong _requestId;

    public RpcCluster(int nodes, Func<RaftHostOptions, RaftHostOptions>? configure = null)
    {
        _configure = configure ?? (options => options);
        _members = [.. Enumerable.Range(1, nodes).Select(id => (ulong)id)];
        foreach (var id in _members)
        {
            Nodes[id] = new RpcNode(id);
        }
    }

    public Dictionary<ulong, RpcNode> Nodes { get; } = [];

    public RpcRaftTransportOptions TransportOptions { get; init; } = new()
    {
        ReconnectBackoffMin = TimeSpan.FromMilliseconds(10),
        ReconnectBackoffMax = TimeSpan.FromMilliseconds(200),
        SnapshotChunkBytes = 256,
    };

    /// <summary>Starts (or restarts, over its stores) a node: server, transport, host, the group.</summary>
    public async Task StartNodeAsync(ulong id)
    {
        var node = Nodes[id];
        node.Transport = new RpcRaftTransport(peer => _addresses.GetValueOrDefault(peer), TransportOptions);
        node.Server = await RpcServer.StartAsync(new RpcRouter().MapRaftTransport(node.Transport), new IPEndPoint(IPAddress.Loopback, 0));
        node.Machine = new KeyValueStateMachine();
        node.Host = new RaftHost(_configure(new RaftHostOptions
        {
            NodeId = id,
            TickInterval = TimeSpan.FromMilliseconds(20),
            ElectionTicks = 10,
            QuiesceAfterTicks = 0,
            RandomSeed = (int)id,
        }), node.Store, node.Snapshots, node.Transport);
        node.Host.Start();
        await node.Host.StartGroupAsync(new RaftGroupConfig(Group, node.Machine) { InitialMembers = _members });
        _addresses[id] = node.Server.Address;
        node.Running = true;
    }

    /// <summary>Stops a node's host, transport and server; its stores survive.</summary>
    public async Task StopNodeAsync(ulong id)
    {
        var node = Nodes[id];
        node.Running = false;
        _addresses.TryRemove(id, out _);
        await node.Host!.DisposeAsync();
        await node.Transport!.DisposeAsync();
        await node.Server!.DisposeAsync();
    }

    /// <summary>The leader every running node agrees on.</summary>
    public Task<RpcNode> WaitForLeaderAsync() => Eventually.WaitAsync(async () =>
    {
        ulong agreed = 0;
        foreach (var node in Nodes.Values.Where(node => node.Running))
        {
            var status = await node.Host!.GetStatusAsync(Group);
            if (status is null || status.Leader == 0 || (agreed != 0 && agreed != status.Leader))
            {
                return null;
            }

            agreed = status.Leader;
        }

        return Nodes[agreed].Running && (await Nodes[agreed].Host!.GetStatusAsync(Group))?.Role == RaftRole.Leader ? Nodes[agreed] : null;
    }, "a leader all running nodes agree on");

    /// <summary>Proposes "key=value" until the leader applies it (retrying through leader changes).</summary>
    public async Task ProposeAsync(string key, string value)
    {
        var deadline = DateTime.UtcNow + Eventually.Deadline;
        while (true)
        {
            var leader = await WaitForLeaderAsync();
            var result = await leader.Host!.ProposeAsync(Group, clientId: 1, Interlocked.Increment(ref _requestId), KeyValueStateMachine.Set(key, value));
            if (result.IsOk)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"proposal {key}={value} kept failing: {result.Outcome}");
        }
    }

    public Task WaitForValuesAsync(ulong id, IReadOnlyDictionary<string, string> expected) => Eventually.WaitAsync(
        () => Nodes[id].Machine is { } machine && expected.All(pair => machine.Values.GetValueOrDefault(pair.Key) == pair.Value),
        $"node {id} applying all {expected.Count} values");

    public async ValueTask DisposeAsync()
    {
        foreach (var node in Nodes.Values.Where(node => node.Running))
        {
            await StopNodeAsync(node.Id);
        }
    }
}

/// <summary>One node of an <see cref="RpcCluster"/>; the stores outlive restarts.</summary>
internal sealed class RpcNode(ulong id)
{
    public ulong Id { get; } = id;

    public MemoryRaftLogStore Store { get; } = new();

    public MemoryRaftSnapshotStore Snapshots { get; } = new();

    public RpcServer? Server { get; set; }

    public RpcRaftTransport? Transport { get; set; }

    public RaftHost? Host { get; set; }

    public KeyValueStateMachine? Machine { get; set; }

    public bool Running { get; set; }
}
