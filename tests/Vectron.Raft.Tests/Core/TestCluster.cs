using Vectron.Raft.Core;

namespace Vectron.Raft.Tests.Core;

/// <summary>
/// Nodes on MemoryRaftStorage joined by an in-test network that delivers, drops or holds messages
/// under the test's control. Processing a Ready persists it exactly as a host would (snapshot,
/// entries, hard state), applies committed entries (conf changes through ApplyConfChange) and
/// advances. Every applied entry is recorded per node so tests can check state machine safety.
/// </summary>
internal sealed class TestCluster
{
    private readonly Random _random;
    private readonly HashSet<(ulong From, ulong To)> _cut = [];

    public TestCluster(int seed, IReadOnlyList<ulong> voters, Func<RaftOptions, RaftOptions>? configure = null)
    {
        _random = new Random(seed);
        Configure = configure ?? (o => o);
        foreach (var id in voters)
        {
            var storage = new MemoryRaftStorage();
            storage.SetConfState(new ConfState { Voters = [.. voters] });
            Storages[id] = storage;
            Nodes[id] = NewNode(id, storage, applied: 0);
            Applied[id] = [];
        }
    }

    public Func<RaftOptions, RaftOptions> Configure { get; }

    /// <summary>Adds a node that knows only the initial membership (it learns the rest from the log or a snapshot).</summary>
    public void AddNode(ulong id, ConfState initial)
    {
        var storage = new MemoryRaftStorage();
        storage.SetConfState(initial);
        Storages[id] = storage;
        Nodes[id] = NewNode(id, storage, applied: 0);
        Applied[id] = [];
    }

    public SortedDictionary<ulong, RaftNode> Nodes { get; } = [];

    public Dictionary<ulong, MemoryRaftStorage> Storages { get; } = [];

    /// <summary>Entries applied by each node, in order (the state machine's history).</summary>
    public Dictionary<ulong, List<Entry>> Applied { get; } = [];

    public List<Message> InFlight { get; } = [];

    /// <summary>Nodes that are down: they neither step nor send.</summary>
    public HashSet<ulong> Down { get; } = [];

    /// <summary>Every (term, leader) ever observed, for election safety.</summary>
    public Dictionary<ulong, ulong> LeadersByTerm { get; } = [];

    public double DropRate { get; set; }

    /// <summary>Nodes whose removal some node applied (ids are never reused, so they are gone for good).</summary>
    public HashSet<ulong> Removed { get; } = [];

    public RaftNode NewNode(ulong id, MemoryRaftStorage storage, ulong applied) =>
        new(Configure(new RaftOptions { Id = id, Random = new Random(_random.Next()), Applied = applied }), storage);

    public void Cut(ulong a, ulong b)
    {
        _cut.Add((a, b));
        _cut.Add((b, a));
    }

    public void Isolate(ulong id)
    {
        foreach (var other in Nodes.Keys)
        {
            if (other != id)
            {
                Cut(id, other);
            }
        }
    }

    public void Heal() => _cut.Clear();

    /// <summary>Restarts a node from its storage, losing everything not persisted.</summary>
    public void Restart(ulong id)
    {
        var storage = Storages[id];
        Nodes[id] = NewNode(id, storage, applied: storage.Snapshot.Index);
        // The state machine restarts from the snapshot; entries after it are applied again.
        var keep = Applied[id].FindAll(e => e.Index <= storage.Snapshot.Index);
        Applied[id] = keep;
        Down.Remove(id);
    }

    public void ProcessReady(ulong id)
    {
        var node = Nodes[id];
        while (node.HasReady())
        {
            var ready = node.GetReady();
            Send(ready.MessagesBeforePersist);
            var storage = Storages[id];
            if (ready.Snapshot is { } snapshot)
            {
                storage.ApplySnapshot(snapshot);
                // Installing a snapshot replaces the state machine's state.
                Applied[id] = [new Entry(snapshot.Index, snapshot.Term, EntryType.Normal, "snapshot"u8.ToArray())];
            }
            storage.Append(ready.Entries);
            if (ready.HardState is { } hard)
            {
                storage.SetHardState(hard);
            }
            Send(ready.Messages);
            foreach (var entry in ready.CommittedEntries)
            {
                Applied[id].Add(entry);
                if (entry.Type == EntryType.ConfChange)
                {
                    // The membership reaches storage with the next snapshot; a restart replays the
                    // changes after it, so writing it anywhere else would apply them twice.
                    var change = ConfChangeCodec.Decode(entry.Data.Span);
                    node.ApplyConfChange(change);
                    foreach (var single in change.Changes)
                    {
                        if (single.Type == ConfChangeType.RemoveNode)
                        {
                            Removed.Add(single.NodeId);
                        }
                    }
                }
            }
            if (node.Role == RaftRole.Leader)
            {
                if (LeadersByTerm.TryGetValue(node.Term, out var other) && other != id)
                {
                    throw new InvalidOperationException($"election safety violated: {other} and {id} both lead term {node.Term}");
                }
                LeadersByTerm[node.Term] = id;
            }
            node.Advance(ready);
        }
    }

    private void Send(IReadOnlyList<Message> messages)
    {
        foreach (var m in messages)
        {
            InFlight.Add(m);
        }
    }

    /// <summary>Delivers every message in flight (and those they cause) until the cluster is quiet.</summary>
    public void Stabilize(int maxRounds = 1000)
    {
        Message[] batch = [];
        for (var round = 0; round < maxRounds; round++)
        {
            foreach (var id in Nodes.Keys)
            {
                if (!Down.Contains(id))
                {
                    ProcessReady(id);
                }
            }
            if (InFlight.Count == 0)
            {
                return;
            }
            batch = [.. InFlight];
            InFlight.Clear();
            foreach (var m in batch)
            {
                Deliver(m);
            }
        }
        throw new InvalidOperationException("the cluster did not settle; in flight: "
            + string.Join("; ", batch.Take(8).Select(m => $"{m.From}->{m.To} {m.Type} t{m.Term} i{m.Index} lt{m.LogTerm} c{m.Commit} n{m.Entries.Count} rej{m.Reject} hint{m.RejectHint}")));
    }

    /// <summary>Delivers one message in flight chosen at random (reordering), or drops it.</summary>
    public bool DeliverOneRandom()
    {
        if (InFlight.Count == 0)
        {
            return false;
        }
        var i = _random.Next(InFlight.Count);
        var m = InFlight[i];
        InFlight.RemoveAt(i);
        Deliver(m);
        return true;
    }

    private void Deliver(Message m)
    {
        var lost = Down.Contains(m.To) || Down.Contains(m.From) || _cut.Contains((m.From, m.To)) || !Nodes.ContainsKey(m.To)
            || (DropRate > 0 && _random.NextDouble() < DropRate);
        if (!lost)
        {
            Nodes[m.To].Step(m);
        }
        // A host reports the outcome of every snapshot it streams, as the core requires.
        if (m.Type == MessageType.Snapshot && !Down.Contains(m.From))
        {
            Nodes[m.From].ReportSnapshot(m.To, failed: lost);
        }
    }

    public void Tick(ulong id) => Nodes[id].Tick();

    public void TickAll(int ticks = 1)
    {
        for (var t = 0; t < ticks; t++)
        {
            foreach (var (id, node) in Nodes)
            {
                if (!Down.Contains(id))
                {
                    node.Tick();
                }
            }
        }
    }

    /// <summary>Elects <paramref name="id"/> and settles.</summary>
    public void Elect(ulong id)
    {
        Nodes[id].Campaign();
        Stabilize();
        if (Nodes[id].Role != RaftRole.Leader)
        {
            throw new InvalidOperationException($"node {id} did not win: {Nodes[id].Status()}");
        }
    }

    public ulong? Leader()
    {
        ulong? leader = null;
        ulong term = 0;
        foreach (var (id, node) in Nodes)
        {
            if (!Down.Contains(id) && node.Role == RaftRole.Leader && node.Term >= term)
            {
                leader = id;
                term = node.Term;
            }
        }
        return leader;
    }

    /// <summary>All entries in a node's storage plus its unstable tail, from the first held index.</summary>
    public static List<Entry> LogOf(MemoryRaftStorage storage)
    {
        var entries = new List<Entry>();
        if (storage.LastIndex >= storage.FirstIndex)
        {
            storage.TryGetEntries(storage.FirstIndex, storage.LastIndex + 1, long.MaxValue, entries);
        }
        return entries;
    }
}
