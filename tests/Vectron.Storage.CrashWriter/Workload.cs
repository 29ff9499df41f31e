using System.Buffers.Binary;

namespace Vectron.Storage.CrashWriter;

/// <summary>
/// The deterministic half of the workload. A batch's plan (which groups, how many entries each, whether it sets a hard
/// state or compacts) comes from (seed, batch id); an entry's bytes from (seed, batch id, group, ordinal in the run,
/// log index). Entries describe themselves, so whoever reads the log can recompute what each entry must be.
/// </summary>
/// <remarks>
/// Entry layout, little-endian: magic u32 "CRSH", batch id u64, group u64, log index u64, ordinal u16, run length u16,
/// body length u32, body (pseudo-random bytes), then an FNV-1a 64 hash of everything before it.
/// </remarks>
internal static class Workload
{
    public const uint Magic = 0x48535243; // "CRSH"
    public const int HeaderSize = 36;
    public const int TrailerSize = 8;

    /// <summary>The plan of batch <paramref name="batchId"/>.</summary>
    public static BatchPlan Plan(WorkloadSettings settings, ulong batchId)
    {
        var random = SplitMix.For(settings.Seed, batchId);
        int groupCount = 1 + random.Next(Math.Min(settings.MaxGroupsPerBatch, settings.Groups));

        // A partial Fisher-Yates shuffle picks distinct groups.
        var groups = new ulong[settings.Groups];
        for (int i = 0; i < groups.Length; i++)
        {
            groups[i] = (ulong)i + 1;
        }

        var runs = new RunPlan[groupCount];
        for (int i = 0; i < groupCount; i++)
        {
            int pick = i + random.Next(groups.Length - i);
            (groups[i], groups[pick]) = (groups[pick], groups[i]);

            // Mostly short runs, sometimes the longest allowed.
            int count = random.Next(4) == 0 ? 1 + random.Next(settings.MaxEntriesPerRun) : 1 + random.Next(Math.Min(2, settings.MaxEntriesPerRun));
            bool setsHardState = random.Next(4) == 0;
            int compactLag = random.Next(3) == 0 ? 1 + random.Next(24) : 0;
            runs[i] = new RunPlan(groups[i], count, setsHardState, compactLag);
        }

        return new BatchPlan(batchId, runs);
    }

    /// <summary>The hard state batch <paramref name="batchId"/> gives group <paramref name="groupId"/> when its plan says so.</summary>
    public static Log.HardState HardState(WorkloadSettings settings, ulong batchId, ulong groupId) =>
        new(batchId, groupId, SplitMix.For(settings.Seed, batchId, groupId, ulong.MaxValue).Next());

    /// <summary>The bytes of the entry at <paramref name="ordinal"/> of batch <paramref name="batchId"/>'s run in a group, stored at <paramref name="index"/>.</summary>
    public static byte[] Entry(WorkloadSettings settings, ulong batchId, ulong groupId, int ordinal, int runLength, ulong index)
    {
        var random = SplitMix.For(settings.Seed, batchId, groupId, (ulong)ordinal);
        int shape = random.Next(100);
        int bodyLength = shape < 70 ? random.Next(257) : shape < 95 ? random.Next(Math.Min(2048, settings.MaxEntryBytes) + 1) : random.Next(settings.MaxEntryBytes + 1);
        var bytes = new byte[HeaderSize + bodyLength + TrailerSize];
        var span = bytes.AsSpan();
        BinaryPrimitives.WriteUInt32LittleEndian(span, Magic);
        BinaryPrimitives.WriteUInt64LittleEndian(span[4..], batchId);
        BinaryPrimitives.WriteUInt64LittleEndian(span[12..], groupId);
        BinaryPrimitives.WriteUInt64LittleEndian(span[20..], index);
        BinaryPrimitives.WriteUInt16LittleEndian(span[28..], checked((ushort)ordinal));
        BinaryPrimitives.WriteUInt16LittleEndian(span[30..], checked((ushort)runLength));
        BinaryPrimitives.WriteInt32LittleEndian(span[32..], bodyLength);
        random.Fill(span.Slice(HeaderSize, bodyLength));
        BinaryPrimitives.WriteUInt64LittleEndian(span[^TrailerSize..], Fnv1A(span[..^TrailerSize]));
        return bytes;
    }

    /// <summary>Reads an entry's self-description; false when the bytes are not an intact entry of this workload.</summary>
    public static bool TryDescribe(ReadOnlySpan<byte> entry, out EntryHeader header)
    {
        header = default;
        if (entry.Length < HeaderSize + TrailerSize || BinaryPrimitives.ReadUInt32LittleEndian(entry) != Magic)
        {
            return false;
        }

        int bodyLength = BinaryPrimitives.ReadInt32LittleEndian(entry[32..]);
        if (bodyLength != entry.Length - HeaderSize - TrailerSize
            || BinaryPrimitives.ReadUInt64LittleEndian(entry[^TrailerSize..]) != Fnv1A(entry[..^TrailerSize]))
        {
            return false;
        }

        header = new EntryHeader(
            BinaryPrimitives.ReadUInt64LittleEndian(entry[4..]),
            BinaryPrimitives.ReadUInt64LittleEndian(entry[12..]),
            BinaryPrimitives.ReadUInt64LittleEndian(entry[20..]),
            BinaryPrimitives.ReadUInt16LittleEndian(entry[28..]),
            BinaryPrimitives.ReadUInt16LittleEndian(entry[30..]));
        return true;
    }

    private static ulong Fnv1A(ReadOnlySpan<byte> data)
    {
        ulong hash = 0xCBF29CE484222325;
        foreach (byte b in data)
        {
            hash = (hash ^ b) * 0x100000001B3;
        }

        return hash;
    }
}

/// <summary>What one batch does.</summary>
/// <param name="BatchId">The batch.</param>
/// <param name="Runs">One run per distinct group it touches.</param>
internal sealed record BatchPlan(ulong BatchId, RunPlan[] Runs)
{
    public RunPlan? RunOf(ulong groupId)
    {
        foreach (var run in Runs)
        {
            if (run.GroupId == groupId)
            {
                return run;
            }
        }

        return null;
    }
}

/// <summary>What a batch does to one group: appends <paramref name="Count"/> entries, maybe sets the hard state, and
/// when <paramref name="CompactLag"/> is positive compacts through the group's last acknowledged index minus the lag.</summary>
internal readonly record struct RunPlan(ulong GroupId, int Count, bool SetsHardState, int CompactLag);

/// <summary>An entry's self-description.</summary>
internal readonly record struct EntryHeader(ulong BatchId, ulong GroupId, ulong Index, int Ordinal, int RunLength);
