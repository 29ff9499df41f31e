using System.Text;
using Vectron.Raft.Core;

namespace Vectron.Raft.Tests.Core.Scenarios;

/// <summary>
/// One node of an <see cref="InteractionEnv"/>: the Raft core, its durable state (a
/// <see cref="MemoryRaftStorage"/>), and a tiny state machine (the list of applied proposals) with
/// its history, from which snapshots are cut.
/// </summary>
internal sealed class ScenarioNode
{
    public ScenarioNode(ulong id, int seed, RaftOptions options, ScenarioStorage storage, RaftNode raft)
    {
        Id = id;
        Seed = seed;
        Options = options;
        Storage = storage;
        Raft = raft;
    }

    public ulong Id { get; }

    public int Seed { get; }

    public RaftOptions Options { get; }

    public ScenarioStorage Storage { get; }

    public RaftNode Raft { get; }

    /// <summary>Applied proposals, in order (empty entries are not recorded).</summary>
    public List<string> StateMachine { get; } = [];

    /// <summary>The state after each applied index: what a snapshot at that index holds.</summary>
    public SortedDictionary<ulong, Snapshot> History { get; } = [];

    public void RecordApplied(ulong index, ulong term)
    {
        var snapshot = new Snapshot(new SnapshotMetadata(index, term, Raft.ConfState), Encoding.UTF8.GetBytes(string.Join(',', StateMachine)));
        History[index] = snapshot;
        Storage.Latest = snapshot;
    }

    public void RestoreStateMachine(Snapshot snapshot)
    {
        StateMachine.Clear();
        var data = Encoding.UTF8.GetString(snapshot.Data.Span);
        if (data.Length > 0)
        {
            StateMachine.AddRange(data.Split(','));
        }
        History[snapshot.Index] = snapshot;
        Storage.Latest = snapshot;
    }
}

/// <summary>
/// The storage the core reads: a <see cref="MemoryRaftStorage"/> whose snapshot is always the newest
/// applied state, as an application that snapshots on demand would serve (etcd's interaction
/// environment does the same). Without it a member added after the last compaction would be sent a
/// snapshot whose configuration does not contain it.
/// </summary>
internal sealed class ScenarioStorage : IRaftStorage
{
    public MemoryRaftStorage Inner { get; } = new();

    /// <summary>The newest applied state; null until the node applied anything.</summary>
    public Snapshot? Latest { get; set; }

    public ulong FirstIndex => Inner.FirstIndex;

    public ulong LastIndex => Inner.LastIndex;

    public (HardState HardState, ConfState ConfState) InitialState() => Inner.InitialState();

    public bool TryGetEntries(ulong from, ulong to, long maxBytes, List<Entry> into) => Inner.TryGetEntries(from, to, maxBytes, into);

    public bool TryGetTerm(ulong index, out ulong term) => Inner.TryGetTerm(index, out term);

    public Snapshot? GetSnapshot() => Inner.SnapshotUnavailable ? null : Latest ?? Inner.GetSnapshot();
}
