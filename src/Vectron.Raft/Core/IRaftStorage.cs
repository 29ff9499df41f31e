namespace Vectron.Raft.Core;

/// <summary>
/// The core's read-only view of stable storage: what the host has persisted. The core never writes
/// through it; the host persists each <see cref="Ready"/> and then this view must reflect it.
/// Called only from the thread that drives the node.
/// </summary>
public interface IRaftStorage
{
    /// <summary>The persisted hard state and the membership as of the last snapshot or applied change.</summary>
    (HardState HardState, ConfState ConfState) InitialState();

    /// <summary>
    /// Appends entries [from, to) to <paramref name="into"/>, stopping after <paramref name="maxBytes"/>
    /// of payload but always returning at least one. Returns false when <paramref name="from"/> is
    /// compacted (below <see cref="FirstIndex"/>).
    /// </summary>
    bool TryGetEntries(ulong from, ulong to, long maxBytes, List<Entry> into);

    /// <summary>The term of entry <paramref name="index"/>, for any index in [FirstIndex - 1, LastIndex]; false when compacted or beyond the end.</summary>
    bool TryGetTerm(ulong index, out ulong term);

    /// <summary>The first index still held (the snapshot index + 1).</summary>
    ulong FirstIndex { get; }

    /// <summary>The last index held (the snapshot index when the log is empty).</summary>
    ulong LastIndex { get; }

    /// <summary>The newest snapshot, or null when one is being made and is not available yet.</summary>
    Snapshot? GetSnapshot();
}
