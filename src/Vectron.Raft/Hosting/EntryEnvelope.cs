using System.Buffers.Binary;

namespace Vectron.Raft.Hosting;

/// <summary>
/// The bytes of a normal log entry proposed through a <see cref="RaftHost"/> (docs/formats/raft.md):
/// version 1 (u8), client id (u64), request id (u64), then the client's payload. Little-endian. An
/// entry with no data is the leader's no-op and carries no envelope.
/// </summary>
internal static class EntryEnvelope
{
    public const byte Version = 1;
    public const int HeaderSize = 17;

    public static byte[] Encode(ulong clientId, ulong requestId, ReadOnlySpan<byte> payload)
    {
        var bytes = new byte[HeaderSize + payload.Length];
        bytes[0] = Version;
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(1), clientId);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(9), requestId);
        payload.CopyTo(bytes.AsSpan(HeaderSize));
        return bytes;
    }

    /// <summary>Reads an envelope; throws <see cref="FormatException"/> for bytes no host wrote (a bug or corruption).</summary>
    public static (ulong ClientId, ulong RequestId, ReadOnlyMemory<byte> Payload) Decode(ReadOnlyMemory<byte> data)
    {
        var span = data.Span;
        if (span.Length < HeaderSize)
        {
            throw new FormatException($"entry envelope: {span.Length} bytes is shorter than the {HeaderSize}-byte header");
        }
        if (span[0] != Version)
        {
            throw new FormatException($"entry envelope: unknown version {span[0]} (expected {Version})");
        }
        return (BinaryPrimitives.ReadUInt64LittleEndian(span[1..]), BinaryPrimitives.ReadUInt64LittleEndian(span[9..]), data[HeaderSize..]);
    }

    /// <summary>The client and request ids only, without validating the rest (for latency bookkeeping).</summary>
    public static bool TryPeek(ReadOnlySpan<byte> data, out ulong clientId, out ulong requestId)
    {
        if (data.Length < HeaderSize || data[0] != Version)
        {
            clientId = 0;
            requestId = 0;
            return false;
        }
        clientId = BinaryPrimitives.ReadUInt64LittleEndian(data[1..]);
        requestId = BinaryPrimitives.ReadUInt64LittleEndian(data[9..]);
        return true;
    }
}
