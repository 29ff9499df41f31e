using Vectron.Raft.Core;

namespace Vectron.Raft.Hosting;

/// <summary>
/// Durable Raft state of every group on a node, written in batches: the host writes all groups'
/// updates of one loop iteration with one <see cref="WriteAsync"/> (one sync). Vectron.Server
/// implements it over the shared log engine; <see cref="MemoryRaftLogStore"/> keeps it in memory.
/// </summary>
/// <remarks>Called only from the host's consensus loop: implementations need not be thread-safe.</remarks>
public interface IRaftLogStore
{
    /// <summary>Whether anything was ever persisted for the group (a restart rather than a new group).</summary>
    bool Contains(ulong groupId);

    /// <summary>
    /// The group's persisted state as the core reads it. The view reflects every completed
    /// <see cref="WriteAsync"/>; it reads as an empty log for a group never written.
    /// </summary>
    IRaftStorage OpenGroup(ulong groupId);

    /// <summary>The newest snapshot metadata recorded for the group (index 0 and the bootstrap membership when none was taken).</summary>
    SnapshotMetadata SnapshotMetadata(ulong groupId);

    /// <summary>Makes every update in <paramref name="batch"/> durable together; the views change only when it completes.</summary>
    /// <exception cref="ArgumentException">An update does not fit the group's log (a gap, or compaction past the end).</exception>
    ValueTask WriteAsync(RaftLogBatch batch, CancellationToken cancellationToken);
}
