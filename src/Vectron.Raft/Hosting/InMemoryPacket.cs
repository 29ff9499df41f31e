namespace Vectron.Raft.Hosting;

/// <summary>What an <see cref="InMemoryPacket"/> carries.</summary>
public enum InMemoryPacketKind : byte
{
    /// <summary>A message batch for the destination host.</summary>
    Messages = 0,
    /// <summary>A chunk of a snapshot stream for the destination host.</summary>
    SnapshotChunk = 1,
    /// <summary>The report back to the sender that its snapshot stream ended (successfully).</summary>
    SnapshotSent = 2,
}

/// <summary>One unit of in-memory traffic, as a deterministic driver sees it in <see cref="InMemoryNetwork.Pending"/>.</summary>
/// <param name="Kind">What it carries.</param>
/// <param name="From">The sending node.</param>
/// <param name="To">The node it is delivered to (for <see cref="InMemoryPacketKind.SnapshotSent"/>, the snapshot's sender).</param>
/// <param name="Batch">The batch, for <see cref="InMemoryPacketKind.Messages"/>.</param>
/// <param name="Chunk">The chunk, for <see cref="InMemoryPacketKind.SnapshotChunk"/>; for <see cref="InMemoryPacketKind.SnapshotSent"/> the stream's last chunk.</param>
public sealed record InMemoryPacket(InMemoryPacketKind Kind, ulong From, ulong To, RaftMessageBatch? Batch, SnapshotChunk? Chunk);
