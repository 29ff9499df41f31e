using Vectron.Checksums;

namespace Vectron.Storage.Snapshots;

/// <summary>A piece of a snapshot's stream, as sent to a replica: where it starts, its bytes and their CRC-32C.</summary>
/// <param name="Offset">The offset of the first byte in the stream.</param>
/// <param name="Data">The bytes; never empty.</param>
/// <param name="Checksum">The CRC-32C of <paramref name="Data"/>, computed by the sender.</param>
/// <param name="IsLast">Whether the chunk ends the stream.</param>
public readonly record struct SnapshotChunk(long Offset, ReadOnlyMemory<byte> Data, uint Checksum, bool IsLast)
{
    /// <summary>A chunk of <paramref name="data"/> at <paramref name="offset"/>, with its checksum computed.</summary>
    public static SnapshotChunk Create(long offset, ReadOnlyMemory<byte> data, bool isLast) =>
        new(offset, data, Crc32C.Compute(data.Span), isLast);
}
