using System.Buffers.Binary;
using Vectron.Checksums;

namespace Vectron.Index.Persistence;

/// <summary>Reads the sections <see cref="SectionWriter"/> writes, checking order, length and checksum, and naming the offset of any fault.</summary>
internal sealed class SectionReader(Stream stream)
{
    private long _offset;
    private uint _crc;
    private long _remaining;
    private string _tag = "header";

    /// <summary>File offset of the current section's frame.</summary>
    public long SectionStart { get; private set; }

    public void ReadHeader(Span<byte> header) => ReadRaw(header);

    /// <summary>Reads a section frame that must carry <paramref name="tag"/>; returns its payload length.</summary>
    public long BeginSection(string tag)
    {
        SectionStart = _offset;
        _tag = tag;
        Span<byte> frame = stackalloc byte[12];
        ReadRaw(frame);
        uint found = BinaryPrimitives.ReadUInt32LittleEndian(frame);
        if (found != HnswFileFormat.Tag(tag))
        {
            throw new InvalidDataException($"Expected section {tag} at offset {SectionStart}, found \"{HnswFileFormat.TagName(found)}\".");
        }

        long length = BinaryPrimitives.ReadInt64LittleEndian(frame[4..]);
        if (length < 0)
        {
            throw new InvalidDataException($"Section {tag} at offset {SectionStart} declares a negative length {length}.");
        }

        _crc = Crc32C.Start;
        _remaining = length;
        return length;
    }

    /// <summary>Reads a section frame that must carry <paramref name="tag"/> and exactly <paramref name="length"/> payload bytes.</summary>
    public void ExpectSection(string tag, long length)
    {
        long found = BeginSection(tag);
        if (found != length)
        {
            throw new InvalidDataException($"Section {tag} at offset {SectionStart} has length {found}; the header implies {length}.");
        }
    }

    public void Read(Span<byte> payload)
    {
        if (payload.Length > _remaining)
        {
            throw new InvalidDataException($"Section {_tag} at offset {SectionStart} is shorter than its contents need.");
        }

        ReadRaw(payload);
        _crc = Crc32C.Append(_crc, payload);
        _remaining -= payload.Length;
    }

    public void EndSection()
    {
        if (_remaining != 0)
        {
            throw new InvalidDataException($"Section {_tag} at offset {SectionStart} has {_remaining} unread bytes.");
        }

        Span<byte> stored = stackalloc byte[4];
        ReadRaw(stored);
        uint expected = BinaryPrimitives.ReadUInt32LittleEndian(stored);
        uint computed = Crc32C.Finish(_crc);
        if (expected != computed)
        {
            throw new InvalidDataException($"Section {_tag} at offset {SectionStart} is corrupt: CRC32C 0x{expected:X8} stored, 0x{computed:X8} computed.");
        }
    }

    private void ReadRaw(Span<byte> buffer)
    {
        try
        {
            stream.ReadExactly(buffer);
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException($"Index file is truncated: it ends inside {_tag} (needed {buffer.Length} bytes at offset {_offset}).", e);
        }

        _offset += buffer.Length;
    }
}
