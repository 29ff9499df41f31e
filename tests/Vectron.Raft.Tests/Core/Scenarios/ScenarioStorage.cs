using Vectron.Raft.Core;

namespace Vectron.Raft.Tests.Core.Scenarios;

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
