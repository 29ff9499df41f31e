using Vectron.Raft.Core;

namespace Vectron.Raft.Hosting;

/// <summary>One piece of a snapshot stream. The first chunk of a stream has offset 0; the last has <see cref="IsLast"/>.</summary>
/// <param name="GroupId">The group.</param>
/// <param name="Message">The snapshot message the stream belongs to (carried by every chunk, so any chunk identifies the stream).</param>
/// <param name="Offset">Where <see cref="Data"/> starts in the payload.</param>
/// <param name="Data">The bytes.</param>
/// <param name="IsLast">True on the chunk that ends the payload.</param>
public sealed record SnapshotChunk(ulong GroupId, Message Message, long Offset, ReadOnlyMemory<byte> Data, bool IsLast);
