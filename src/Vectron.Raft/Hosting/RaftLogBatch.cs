using Vectron.Raft.Core;

namespace Vectron.Raft.Hosting;

/// <summary>The updates of many groups that become durable together.</summary>
public sealed class RaftLogBatch
{
    private readonly List<RaftGroupUpdate> _updates = [];

    /// <summary>The updates, at most one per group, in the order added.</summary>
    public IReadOnlyList<RaftGroupUpdate> Updates => _updates;

    /// <summary>True when there is nothing to write.</summary>
    public bool IsEmpty => _updates.Count == 0;

    /// <summary>
    /// Set by the consensus loop on its own writes: a store that syncs on a thread of its own may run the caller's
    /// continuation right there, with no thread hop — the loop has nothing else for the store until it goes on, and
    /// never blocks. Never set on writes whose caller may go on to stop or dispose the store (the final write of
    /// <see cref="RaftHost.StopAsync"/>): that continuation would wait for the store's own thread.
    /// </summary>
    public bool ContinueOnStoreThread { get; init; }

    /// <summary>Adds one group's update.</summary>
    public void Add(RaftGroupUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        _updates.Add(update);
    }

    /// <summary>Empties the batch for reuse.</summary>
    public void Clear() => _updates.Clear();
}

/// <summary>
/// One group's changes in a <see cref="RaftLogBatch"/>, applied in this order: <see cref="InstalledSnapshot"/>
/// (replaces the whole log), <see cref="Entries"/> (may replace a suffix: everything from the first
/// entry's index on is discarded first), <see cref="HardState"/>, then <see cref="RecordedSnapshot"/>
/// and <see cref="CompactThrough"/>.
/// </summary>
public sealed record RaftGroupUpdate(ulong GroupId)
{
    /// <summary>A snapshot received from the leader: the log is replaced by its point (every entry dropped).</summary>
    public SnapshotMetadata? InstalledSnapshot { get; init; }

    /// <summary>Entries to append; the first must be at most the last index + 1.</summary>
    public IReadOnlyList<Entry> Entries { get; init; } = [];

    /// <summary>The hard state to persist, or null when unchanged.</summary>
    public HardState? HardState { get; init; }

    /// <summary>
    /// A snapshot this node took (or the bootstrap membership at index 0): recorded so a restart
    /// knows the membership and where the log starts. The log itself is not touched.
    /// </summary>
    public SnapshotMetadata? RecordedSnapshot { get; init; }

    /// <summary>Drop entries through this index (0: none); at most the recorded snapshot's index.</summary>
    public ulong CompactThrough { get; init; }
}
