using Vectron.Raft.Core;

namespace Vectron.Raft.Hosting;

/// <summary>
/// Where the host keeps snapshot payloads (the session table and the state machine's bytes), by
/// group and index. A payload is saved durably before the log is compacted past it or a received
/// snapshot is handed to Raft.
/// </summary>
/// <remarks>Thread-safe: the apply lanes save, the consensus loop loads.</remarks>
public interface IRaftSnapshotStore
{
    /// <summary>Saves a payload durably; older payloads of the group may be deleted afterwards.</summary>
    ValueTask SaveAsync(ulong groupId, SnapshotMetadata metadata, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken);

    /// <summary>The payload of the group's snapshot at <paramref name="index"/>; false when it is not held.</summary>
    bool TryLoad(ulong groupId, ulong index, out ReadOnlyMemory<byte> payload);
}
