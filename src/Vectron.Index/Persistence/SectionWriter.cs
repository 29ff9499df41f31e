using System.Buffers.Binary;
using Vectron.Checksums;

namespace Vectron.Index.Persistence;

/// <summary>Writes framed sections: tag (4 bytes), payload length (8), payload, CRC32C of the payload (4).</summary>
internal sealed class SectionWriter(Stream stream)
{
    private uint _crc;
    private long _remaining;
    private string _tag = "";

    public void Begin(string tag, long length)
    {
        Span<byte> frame = stackalloc byte[12];
        BinaryPrimitives.WriteUInt32LittleEndian(frame, HnswFileFormat.Tag(tag));
        BinaryPrimitives.WriteInt64LittleEndian(frame[4..], length);
        stream.Write(frame);
        _crc = Crc32C.Start;
        _remaining = length;
        _tag = tag;
    }

    public void Write(ReadOnlySpan<byte> payload)
    {
        _crc = Crc32C.Append(_crc, payload);
        _remaining -= payload.Length;
        stream.Write(payload);
    }

    public void End()
    {
        if (_remaining != 0)
        {
            throw new InvalidOperationException($"Section {_tag} was declared {_remaining} bytes longer than written; the index changed while it was saved.");
        }

        Span<byte> crc = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(crc, Crc32C.Finish(_crc));
        stream.Write(crc);
    }
}
