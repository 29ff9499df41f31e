using Vectron.Raft.Core;

namespace Vectron.Raft.Hosting;

/// <summary>A snapshot a leader sends a follower: the core's snapshot message and the payload to stream in chunks.</summary>
/// <param name="GroupId">The group.</param>
/// <param name="Message">The core's <see cref="MessageType.Snapshot"/> message (metadata, from, to, term).</param>
/// <param name="Payload">The snapshot bytes the receiving host restores from.</param>
public sealed record SnapshotTransfer(ulong GroupId, Message Message, ReadOnlyMemory<byte> Payload);
