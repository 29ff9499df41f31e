using System.Buffers.Binary;
using Vectron.Checksums;

namespace Vectron.Raft.Hosting;

/// <summary>
/// The bytes of a host snapshot (docs/formats/raft.md, "snapshot payload"): magic <c>VXRSNAP1</c>,
/// applied index and term, the session table, the state machine's bytes, and a CRC-32C of all
/// that. The same bytes are kept in the snapshot store and streamed to followers.
/// </summary>
internal static class SnapshotPayload
{
    private const ulong Magic = 0x3150414E53525856; // "VXRSNAP1" little-endian
    private const int HeaderSize = 24;

    public static async Task<byte[]> WriteAsync(ulong index, ulong term, SessionTable sessions, IStateMachine stateMachine, CancellationToken cancellationToken)
    {
        using var stream = new MemoryStream();
        var header = new byte[HeaderSize];
        BinaryPrimitives.WriteUInt64LittleEndian(header, Magic);
        BinaryPrimitives.WriteUInt64LittleEndian(header.AsSpan(8), index);
        BinaryPrimitives.WriteUInt64LittleEndian(header.AsSpan(16), term);
        stream.Write(header);
        sessions.WriteTo(stream);
        var lengthAt = stream.Position;
        stream.Write(new byte[8]);
        await stateMachine.SaveSnapshotAsync(stream, cancellationToken).ConfigureAwait(false);
        var stateLength = stream.Position - lengthAt - 8;
        var bytes = stream.GetBuffer();
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan((int)lengthAt), stateLength);
        var crc = Crc32C.Compute(bytes.AsSpan(0, (int)stream.Length));
        Span<byte> trailer = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(trailer, crc);
        stream.Write(trailer);
        return stream.ToArray();
    }

    /// <summary>Checks the payload and restores sessions and state machine from it; returns the (index, term) it covers.</summary>
    /// <exception cref="FormatException">The payload is damaged or not a snapshot payload.</exception>
    public static async Task<(ulong Index, ulong Term)> RestoreAsync(ReadOnlyMemory<byte> payload, SessionTable sessions, IStateMachine stateMachine, CancellationToken cancellationToken)
    {
        var span = payload.Span;
        if (span.Length < HeaderSize + 4 + 8 + 4)
        {
            throw new FormatException($"snapshot payload: {span.Length} bytes is too short");
        }
        var body = span[..^4];
        var expected = BinaryPrimitives.ReadUInt32LittleEndian(span[^4..]);
        if (Crc32C.Compute(body) != expected)
        {
            throw new FormatException("snapshot payload: checksum mismatch");
        }
        if (BinaryPrimitives.ReadUInt64LittleEndian(body) != Magic)
        {
            throw new FormatException("snapshot payload: bad magic (not a Vectron Raft snapshot, or an unknown version)");
        }
        var index = BinaryPrimitives.ReadUInt64LittleEndian(body[8..]);
        var term = BinaryPrimitives.ReadUInt64LittleEndian(body[16..]);
        var at = HeaderSize + sessions.ReadFrom(body[HeaderSize..]);
        if (body.Length - at < 8)
        {
            throw new FormatException("snapshot payload: state length missing");
        }
        var stateLength = BinaryPrimitives.ReadInt64LittleEndian(body[at..]);
        at += 8;
        if (stateLength != body.Length - at)
        {
            throw new FormatException($"snapshot payload: state length {stateLength} does not match the {body.Length - at} bytes left");
        }
        var state = payload.Slice(at, (int)stateLength);
        using var stream = new ReadOnlyMemoryStream(state);
        await stateMachine.RestoreSnapshotAsync(stream, cancellationToken).ConfigureAwait(false);
        return (index, term);
    }
}
