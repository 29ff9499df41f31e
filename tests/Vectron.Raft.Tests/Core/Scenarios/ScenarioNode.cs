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
