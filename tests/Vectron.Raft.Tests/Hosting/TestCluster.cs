using Vectron.Raft.Core;
using Vectron.Raft.Hosting;

namespace Vectron.Raft.Tests.Hosting;

/// <summary>
/// Hosts on an in-memory network, driven synchronously on the test thread: ticks and loop
/// iterations happen only when the test asks, applies run inline, so a seed fixes the whole run.
/// Failures name the seed.
/// </summary>
internal sealed class TestCluster : IAsyncDisposable
{
    private readonly Func<RaftHostOptions, RaftHostOptions> _configure;
    private readonly Dictionary<ulong, HashSet<ulong>> _groupsOnNode = [];

    public TestCluster(int seed, int nodes, Func<RaftHostOptions, RaftHostOptions>? configure = null)
    {
        Seed = seed;
        _configure = configure ?? (options => options);
        for (ulong id = 1; id <= (ulong)nodes; id++)
        {
            AddNode(id);
        }
    }

    public int Seed { get; }

    public InMemoryNetwork Network { get; } = new();

    public Dictionary<ulong, TestNode> Nodes { get; } = [];

    public TestNode this[ulong id] => Nodes[id];

    public TestNode AddNode(ulong id)
    {
        var node = new TestNode(id, new MemoryRaftLogStore(), new MemoryRaftSnapshotStore());
        node.Host = CreateHost(node);
        Nodes[id] = node;
        _groupsOnNode[id] = [];
        return node;
    }

    /// <summary>Starts a group on the given nodes as its founding voters.</summary>
    public void StartGroup(ulong groupId, params ulong[] members)
    {
        foreach (var member in members)
        {
            StartGroupOn(member, groupId, members);
        }
    }

    /// <summary>Starts a group on one node (empty founders: it joins).</summary>
    public void StartGroupOn(ulong nodeId, ulong groupId, IReadOnlyList<ulong> founders)
    {
        var node = Nodes[nodeId];
        var machine = new CounterStateMachine();
        node.Machines[groupId] = machine;
        _groupsOnNode[nodeId].Add(groupId);
        var started = node.Host.StartGroupAsync(new RaftGroupConfig(groupId, machine) { InitialMembers = founders });
        RunUntilIdle();
        Assert.True(started.IsCompletedSuccessfully, $"seed {Seed}: group {groupId} did not start on node {nodeId}: {started.Exception}");
    }

    /// <summary>Runs loop iterations on every host until none has work left.</summary>
    public void RunUntilIdle()
    {
        for (var round = 0; round < 100_000; round++)
        {
            var progressed = false;
            foreach (var node in Nodes.Values)
            {
                if (!node.Stopped && node.Host.ProcessOnce())
                {
                    progressed = true;
                }
            }
            if (!progressed)
            {
                return;
            }
        }
        throw new InvalidOperationException($"seed {Seed}: the cluster never went idle");
    }

    /// <summary>One tick on every running host, then runs to idle.</summary>
    public void Tick(int ticks = 1)
    {
        for (var i = 0; i < ticks; i++)
        {
            foreach (var node in Nodes.Values)
            {
                if (!node.Stopped)
                {
                    node.Host.AddTicks(1);
                }
            }
            RunUntilIdle();
        }
    }

    /// <summary>Ticks until <paramref name="condition"/> holds; fails naming the seed after <paramref name="maxTicks"/>.</summary>
    public void TickUntil(Func<bool> condition, int maxTicks, string what)
    {
        RunUntilIdle();
        for (var tick = 0; tick <= maxTicks; tick++)
        {
            if (condition())
            {
                return;
            }
            Tick();
        }
        Assert.Fail($"seed {Seed}: {what} did not happen within {maxTicks} ticks");
    }

    /// <summary>Ticks until the task completes and returns its result.</summary>
    public T Await<T>(Task<T> task, int maxTicks = 300, string what = "operation")
    {
        TickUntil(() => task.IsCompleted, maxTicks, what);
        return task.GetAwaiter().GetResult();
    }

    /// <summary>The node that leads the group in the highest term (0: none).</summary>
    public ulong LeaderOf(ulong groupId)
    {
        ulong leader = 0;
        ulong term = 0;
        foreach (var node in Nodes.Values)
        {
            if (!node.Stopped && node.Host.GroupOf(groupId)?.Node is { Role: RaftRole.Leader } raft && raft.Term >= term)
            {
                leader = node.Id;
                term = raft.Term;
            }
        }
        return leader;
    }

    public ulong ElectLeader(ulong groupId, int maxTicks = 200)
    {
        TickUntil(() => LeaderOf(groupId) != 0, maxTicks, $"a leader for group {groupId}");
        return LeaderOf(groupId);
    }

    /// <summary>Stops a node's host (its store survives, as after a clean shutdown).</summary>
    public async Task StopAsync(ulong nodeId)
    {
        var node = Nodes[nodeId];
        node.Stopped = true;
        await node.Host.DisposeAsync();
    }

    /// <summary>Starts a new host over the stopped node's stores, with fresh state machines for its groups.</summary>
    public void Restart(ulong nodeId)
    {
        var node = Nodes[nodeId];
        node.Host = CreateHost(node);
        node.Stopped = false;
        node.Machines.Clear();
        foreach (var groupId in _groupsOnNode[nodeId])
        {
            var machine = new CounterStateMachine();
            node.Machines[groupId] = machine;
            var started = node.Host.StartGroupAsync(new RaftGroupConfig(groupId, machine));
            RunUntilIdle();
            Assert.True(started.IsCompletedSuccessfully, $"seed {Seed}: group {groupId} did not restart on node {nodeId}: {started.Exception}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in Nodes.Values)
        {
            if (!node.Stopped)
            {
                await node.Host.DisposeAsync();
            }
        }
    }

    private RaftHost CreateHost(TestNode node)
    {
        var options = _configure(new RaftHostOptions
        {
            NodeId = node.Id,
            RandomSeed = unchecked(Seed * 31 + (int)node.Id),
            ApplyScheduler = InlineApplyScheduler.Instance,
            TimeProvider = new ManualTimeProvider(),
        });
        return new RaftHost(options, node.Store, node.Snapshots, Network.CreateTransport());
    }
}

/// <summary>One node of a <see cref="TestCluster"/>: its host, stores and state machines.</summary>
internal sealed class TestNode(ulong id, MemoryRaftLogStore store, MemoryRaftSnapshotStore snapshots)
{
    public ulong Id { get; } = id;

    public MemoryRaftLogStore Store { get; } = store;

    public MemoryRaftSnapshotStore Snapshots { get; } = snapshots;

    public RaftHost Host { get; set; } = null!;

    public bool Stopped { get; set; }

    public Dictionary<ulong, CounterStateMachine> Machines { get; } = [];
}
