using System.Buffers.Binary;
using Vectron.Checksums;
using Vectron.Raft.Core;

namespace Vectron.Server.Consensus;

/// <summary>
/// The snapshot record a group's metadata log holds (docs/formats/raft.md, "snapshot record"):
/// version 1 (u8), auto-leave (u8), index (u64), term (u64), then voters, learners, outgoing voters
/// and next learners, each a count (u32) and ids (u64), and a CRC-32C of everything before it.
/// Little-endian.
/// </summary>
internal static class SnapshotRecordCodec
{
    private const byte Version = 1;

    public static byte[] Encode(SnapshotMetadata metadata)
    {
        var conf = metadata.ConfState;
        var ids = conf.Voters.Count + conf.Learners.Count + conf.VotersOutgoing.Count + conf.LearnersNext.Count;
        var bytes = new byte[18 + 16 + (ids * 8) + 4];
        bytes[0] = Version;
        bytes[1] = conf.AutoLeave ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(2), metadata.Index);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(10), metadata.Term);
        var at = 18;
        foreach (var list in new[] { conf.Voters, conf.Learners, conf.VotersOutgoing, conf.LearnersNext })
        {
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(at), (uint)list.Count);
            at += 4;
            foreach (var id in list)
            {
                BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(at), id);
                at += 8;
            }
        }
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(at), Crc32C.Compute(bytes.AsSpan(0, at)));
        return bytes;
    }

    /// <summary>Decodes a record; throws <see cref="FormatException"/> saying what is wrong.</summary>
    public static SnapshotMetadata Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 18 + 16 + 4)
        {
            throw new FormatException($"snapshot record: {bytes.Length} bytes is shorter than the minimum");
        }
        if (Crc32C.Compute(bytes[..^4]) != BinaryPrimitives.ReadUInt32LittleEndian(bytes[^4..]))
        {
            throw new FormatException("snapshot record: checksum mismatch");
        }
        if (bytes[0] != Version)
        {
            throw new FormatException($"snapshot record: unknown version {bytes[0]}");
        }
        var index = BinaryPrimitives.ReadUInt64LittleEndian(bytes[2..]);
        var term = BinaryPrimitives.ReadUInt64LittleEndian(bytes[10..]);
        var at = 18;
        var lists = new ulong[4][];
        for (var i = 0; i < 4; i++)
        {
            var count = BinaryPrimitives.ReadUInt32LittleEndian(bytes[at..]);
            at += 4;
            if ((ulong)(bytes.Length - 4 - at) < count * 8UL)
            {
                throw new FormatException($"snapshot record: list {i} claims {count} ids, more than the bytes left");
            }
            lists[i] = new ulong[count];
            for (var j = 0; j < count; j++)
            {
                lists[i][j] = BinaryPrimitives.ReadUInt64LittleEndian(bytes[at..]);
                at += 8;
            }
        }
        if (at != bytes.Length - 4)
        {
            throw new FormatException($"snapshot record: {bytes.Length - 4 - at} unexpected bytes after the lists");
        }
        var conf = new ConfState
        {
            Voters = lists[0],
            Learners = lists[1],
            VotersOutgoing = lists[2],
            LearnersNext = lists[3],
            AutoLeave = bytes[1] != 0,
        };
        return new SnapshotMetadata(index, term, conf);
    }
}
