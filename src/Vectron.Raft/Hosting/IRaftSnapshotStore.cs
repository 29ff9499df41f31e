using Vectron.Raft.Core;

namespace Vectron.Raft.Hosting;

/// <summary>
/// Where the host keeps snapshot payloads (the session table and the state machine's bytes), by
/// group and index. A payload is saved durably before the log is compacted past it or a received
/// snapshot is handed to Raft. Payloads are kept until the host releases them: the log may still
/// point at an older snapshot than the newest saved (its record is written after the save, and a
/// lane can save twice before that), and a restart restores the one the log points at.
/// </summary>
/// <remarks>Thread-safe: the apply lanes save, the consensus loop loads and releases.</remarks>
public interface IRaftSnapshotStore
{
    /// <summary>Saves a payload durably; it is kept until <see cref="Release"/> passes its index.</summary>
    ValueTask SaveAsync(ulong groupId, SnapshotMetadata metadata, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken);

    /// <summary>
    /// The log durably points at the group's snapshot at <paramref name="index"/>: payloads below it are
    /// no longer needed and may be deleted (that one and newer ones must stay).
    /// </summary>
    void Release(ulong groupId, ulong index);

    /// <summary>The payload of the group's snapshot at <paramref name="index"/>; false when it is not held.</summary>
    bool TryLoad(ulong groupId, ulong index, out ReadOnlyMemory<byte> payload);
}
