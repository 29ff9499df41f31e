using System.Buffers.Binary;
using Vectron.Checksums;

namespace Vectron.Storage.Log;

/// <summary>The kinds of frame in a log segment (docs/formats/log.md).</summary>
internal enum FrameKind : byte
{
    /// <summary>Never written: a header of zeros is the end of the data in a preallocated segment.</summary>
    None = 0,

    /// <summary>Consecutive entries of one group.</summary>
    Entries = 1,

    /// <summary>A group's hard state.</summary>
    HardState = 2,

    /// <summary>A group's log is compacted through an index (after a snapshot).</summary>
    Compaction = 3,

    /// <summary>A group's entries from an index on are discarded (a follower's conflicting tail).</summary>
    Truncation = 4,

    /// <summary>Ends a batch: its sequence number, frame count and byte count.</summary>
    Commit = 5,
}

/// <summary>Byte layouts of segments, frames and the manifest, in one place (docs/formats/log.md).</summary>
internal static class LogFormat
{
    public const int Version = 1;

    public const int SegmentHeaderSize = 32;

    public const int FrameHeaderSize = 20;

    public const int CommitPayloadSize = 16;

    public const int CommitFrameSize = FrameHeaderSize + CommitPayloadSize;

    // The largest payload one frame may carry; a single append beyond it is refused at the API.
    public const int MaxFramePayload = 256 << 20;

    public const string ManifestName = "MANIFEST";

    public const string SegmentExtension = ".wal";

    public static ReadOnlySpan<byte> SegmentMagic => "VXWALSEG"u8;

    public static ReadOnlySpan<byte> ManifestMagic => "VXWALMAN"u8;

    public static string SegmentName(long sequence) => $"{sequence:D20}{SegmentExtension}";

    public static bool TryParseSegmentName(string name, out long sequence)
    {
        sequence = 0;
        return name.Length == 20 + SegmentExtension.Length
            && name.EndsWith(SegmentExtension, StringComparison.Ordinal)
            && long.TryParse(name.AsSpan(0, 20), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out sequence);
    }

    public static void WriteSegmentHeader(Span<byte> destination, long sequence)
    {
        destination[..SegmentHeaderSize].Clear();
        SegmentMagic.CopyTo(destination);
        BinaryPrimitives.WriteInt32LittleEndian(destination[8..], Version);
        BinaryPrimitives.WriteInt32LittleEndian(destination[12..], SegmentHeaderSize);
        BinaryPrimitives.WriteInt64LittleEndian(destination[16..], sequence);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[28..], Crc32C.Compute(destination[..28]));
    }

    /// <summary>Checks a segment header; returns null when valid, else what is wrong.</summary>
    public static string? CheckSegmentHeader(ReadOnlySpan<byte> header, long expectedSequence)
    {
        if (header.Length < SegmentHeaderSize)
        {
            return $"the segment is {header.Length} bytes, shorter than its {SegmentHeaderSize}-byte header";
        }

        if (!header[..8].SequenceEqual(SegmentMagic))
        {
            return "the segment does not start with the magic 'VXWALSEG'";
        }

        if (BinaryPrimitives.ReadUInt32LittleEndian(header[28..]) != Crc32C.Compute(header[..28]))
        {
            return "the segment header's checksum does not match";
        }

        int version = BinaryPrimitives.ReadInt32LittleEndian(header[8..]);
        if (version != Version)
        {
            return $"the segment has format version {version}; this build reads version {Version}";
        }

        long sequence = BinaryPrimitives.ReadInt64LittleEndian(header[16..]);
        return sequence == expectedSequence ? null : $"the segment header says sequence {sequence}, its name says {expectedSequence}";
    }

    /// <summary>Writes a frame header; the checksum covers bytes 4.. of the header and the payload, which must follow it in <paramref name="frame"/>.</summary>
    public static void SealFrame(Span<byte> frame, FrameKind kind, ulong groupId, int payloadLength)
    {
        BinaryPrimitives.WriteInt32LittleEndian(frame[4..], payloadLength);
        frame[8] = (byte)kind;
        frame[9] = 0;
        frame[10] = 0;
        frame[11] = 0;
        BinaryPrimitives.WriteUInt64LittleEndian(frame[12..], groupId);
        BinaryPrimitives.WriteUInt32LittleEndian(frame, Crc32C.Compute(frame[4..(FrameHeaderSize + payloadLength)]));
    }

    public static int PayloadLength(ReadOnlySpan<byte> header) => BinaryPrimitives.ReadInt32LittleEndian(header[4..]);

    public static FrameKind Kind(ReadOnlySpan<byte> header) => (FrameKind)header[8];

    public static ulong GroupId(ReadOnlySpan<byte> header) => BinaryPrimitives.ReadUInt64LittleEndian(header[12..]);

    /// <summary>Whether a whole frame (header and payload) is intact.</summary>
    public static bool ChecksumMatches(ReadOnlySpan<byte> frame) =>
        BinaryPrimitives.ReadUInt32LittleEndian(frame) == Crc32C.Compute(frame[4..]);

    /// <summary>Whether the header's fixed fields are plausible (a valid kind, zero reserved bytes, a length that fits).</summary>
    public static bool HeaderPlausible(ReadOnlySpan<byte> header, long bytesAfterHeader)
    {
        var kind = Kind(header);
        int length = PayloadLength(header);
        return kind is >= FrameKind.Entries and <= FrameKind.Commit
            && header[9] == 0 && header[10] == 0 && header[11] == 0
            && length >= 0 && length <= MaxFramePayload && length <= bytesAfterHeader
            && (kind != FrameKind.Commit || (length == CommitPayloadSize && GroupId(header) == 0));
    }

    public static void WriteCommit(Span<byte> frame, long batchSequence, int frameCount, int batchBytes)
    {
        var payload = frame[FrameHeaderSize..];
        BinaryPrimitives.WriteInt64LittleEndian(payload, batchSequence);
        BinaryPrimitives.WriteInt32LittleEndian(payload[8..], frameCount);
        BinaryPrimitives.WriteInt32LittleEndian(payload[12..], batchBytes);
        SealFrame(frame, FrameKind.Commit, 0, CommitPayloadSize);
    }

    public static byte[] EncodeManifest(IReadOnlyList<long> segments)
    {
        var bytes = new byte[16 + (8 * segments.Count) + 4];
        ManifestMagic.CopyTo(bytes);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(8), Version);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(12), segments.Count);
        for (int i = 0; i < segments.Count; i++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(16 + (8 * i)), segments[i]);
        }

        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(bytes.Length - 4), Crc32C.Compute(bytes.AsSpan(0, bytes.Length - 4)));
        return bytes;
    }

    /// <exception cref="LogCorruptionException">The manifest is damaged.</exception>
    public static List<long> DecodeManifest(ReadOnlySpan<byte> bytes, string path)
    {
        if (bytes.Length < 20 || !bytes[..8].SequenceEqual(ManifestMagic))
        {
            throw new LogCorruptionException(path, 0, "the manifest is too short or does not start with 'VXWALMAN'");
        }

        int version = BinaryPrimitives.ReadInt32LittleEndian(bytes[8..]);
        int count = BinaryPrimitives.ReadInt32LittleEndian(bytes[12..]);
        if (count < 0 || bytes.Length != 16 + (8L * count) + 4)
        {
            throw new LogCorruptionException(path, 12, $"the manifest lists {count} segments but is {bytes.Length} bytes long");
        }

        if (BinaryPrimitives.ReadUInt32LittleEndian(bytes[^4..]) != Crc32C.Compute(bytes[..^4]))
        {
            throw new LogCorruptionException(path, bytes.Length - 4, "the manifest's checksum does not match");
        }

        if (version != Version)
        {
            throw new LogCorruptionException(path, 8, $"the manifest has format version {version}; this build reads version {Version}");
        }

        var segments = new List<long>(count);
        for (int i = 0; i < count; i++)
        {
            long sequence = BinaryPrimitives.ReadInt64LittleEndian(bytes[(16 + (8 * i))..]);
            if (segments.Count > 0 && sequence <= segments[^1])
            {
                throw new LogCorruptionException(path, 16 + (8 * i), "the manifest's segments are not in increasing order");
            }

            segments.Add(sequence);
        }

        return segments;
    }
}
