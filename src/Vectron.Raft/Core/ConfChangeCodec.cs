using System.Buffers.Binary;

namespace Vectron.Raft.Core;

/// <summary>
/// The byte encoding of a <see cref="ConfChange"/> inside a log entry (docs/formats/raft.md):
/// version 1, transition, change count (u16), then per change type (u8) and node id (u64), then the
/// context length (u32) and bytes. All integers little-endian. Empty data means "leave the joint
/// configuration". The log frame around it is checksummed.
/// </summary>
public static class ConfChangeCodec
{
    private const byte Version = 1;

    /// <summary>Encodes a change.</summary>
    public static byte[] Encode(ConfChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (change.Changes.Count > ushort.MaxValue)
        {
            throw new ArgumentException($"a change may hold at most {ushort.MaxValue} operations, not {change.Changes.Count}", nameof(change));
        }
        var bytes = new byte[4 + (change.Changes.Count * 9) + 4 + change.Context.Length];
        bytes[0] = Version;
        bytes[1] = (byte)change.Transition;
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(2), (ushort)change.Changes.Count);
        var at = 4;
        foreach (var single in change.Changes)
        {
            bytes[at] = (byte)single.Type;
            BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(at + 1), single.NodeId);
            at += 9;
        }
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(at), (uint)change.Context.Length);
        change.Context.Span.CopyTo(bytes.AsSpan(at + 4));
        return bytes;
    }

    /// <summary>Decodes a change; throws <see cref="FormatException"/> saying what is wrong.</summary>
    public static ConfChange Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
        {
            // The leader's automatic leave of a joint configuration carries no data (so it is never
            // refused for size).
            return ConfChange.LeaveJoint;
        }
        if (bytes.Length < 8)
        {
            throw new FormatException($"conf change: {bytes.Length} bytes is shorter than the 8-byte minimum");
        }
        if (bytes[0] != Version)
        {
            throw new FormatException($"conf change: unknown version {bytes[0]} (expected {Version})");
        }
        var transition = (ConfChangeTransition)bytes[1];
        if (transition > ConfChangeTransition.JointExplicit)
        {
            throw new FormatException($"conf change: unknown transition {bytes[1]}");
        }
        int count = BinaryPrimitives.ReadUInt16LittleEndian(bytes[2..]);
        if (bytes.Length < 8 + (count * 9))
        {
            throw new FormatException($"conf change: {count} operations need {8 + (count * 9)} bytes, have {bytes.Length}");
        }
        var changes = new ConfChangeSingle[count];
        var at = 4;
        for (var i = 0; i < count; i++)
        {
            var type = (ConfChangeType)bytes[at];
            if (type > ConfChangeType.AddLearner)
            {
                throw new FormatException($"conf change: operation {i} has unknown type {bytes[at]}");
            }
            changes[i] = new ConfChangeSingle(type, BinaryPrimitives.ReadUInt64LittleEndian(bytes[(at + 1)..]));
            at += 9;
        }
        var contextLength = BinaryPrimitives.ReadUInt32LittleEndian(bytes[at..]);
        if (contextLength != (uint)(bytes.Length - at - 4))
        {
            throw new FormatException($"conf change: context length {contextLength} does not match the {bytes.Length - at - 4} bytes left");
        }
        return new ConfChange(changes, transition) { Context = bytes[(at + 4)..].ToArray() };
    }
}
