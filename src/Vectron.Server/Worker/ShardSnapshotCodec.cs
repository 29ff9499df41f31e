using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Vectron.Checksums;
using Vectron.Server.Model;

namespace Vectron.Server.Worker;

/// <summary>
/// The shard snapshot layout (docs/formats/shard.md): a 16-byte header (magic <c>VXSHARD1</c>, format
/// version 3 written, 1 to 3 read; section count) and the sections OPTS, META, PNTS, PIDX, HNSW in that order, each a 4-byte
/// tag, a u64 length, the bytes and their CRC-32C. Reading verifies everything and names what is wrong.
/// </summary>
internal static class ShardSnapshotCodec
{
    /// <summary>
    /// The version written: 2 added the default ef and always_ram to OPTS (a reconfigured shard's
    /// options); 3 (same bytes) lets section HNSW hold a graph built with other index settings than
    /// OPTS — one taken during a rebuild — which a restore rebuilds (a version 2 reader would not).
    /// </summary>
    public const uint Version = 3;

    private static readonly string[] Sections = ["OPTS", "META", "PNTS", "PIDX", "HNSW"];

    public static ReadOnlySpan<byte> Magic => "VXSHARD1"u8;

    public static void Write(Stream destination, ShardOptions options, ShardSnapshotData data)
    {
        Span<byte> header = stackalloc byte[16];
        Magic.CopyTo(header);
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], Version);
        BinaryPrimitives.WriteUInt32LittleEndian(header[12..], (uint)Sections.Length);
        destination.Write(header);

        var section = new ArrayBufferWriter<byte>();
        var writer = new ShardBinaryWriter(section);
        writer.UInt32((uint)options.Dimension);
        writer.Byte((byte)options.Metric);
        writer.Byte((byte)options.Quantization);
        writer.UInt32((uint)options.M);
        writer.UInt32((uint)options.EfConstruct);
        writer.UInt32((uint)options.DefaultEf);
        writer.Byte(options.QuantizationAlwaysRam ? (byte)1 : (byte)0);
        WriteSection(destination, "OPTS", section.WrittenSpan);

        section.Clear();
        writer.UInt64(data.AppliedIndex);
        writer.UInt32((uint)data.SlotCount);
        writer.UInt32((uint)data.FreeSlots.Length);
        foreach (int slot in data.FreeSlots)
        {
            writer.UInt32((uint)slot);
        }

        WriteSection(destination, "META", section.WrittenSpan);

        section.Clear();
        writer.UInt32((uint)data.Points.Count);
        foreach (SnapshotPoint entry in data.Points)
        {
            writer.UInt32((uint)entry.Slot);
            writer.PointId(entry.Point.Id);
            writer.UInt64(entry.Point.Version);
            writer.Byte(entry.Indexed ? (byte)1 : (byte)0);
            if (!entry.Indexed)
            {
                // An indexed point's vector is the graph's copy of it (section HNSW), bit for bit.
                writer.Floats(entry.Point.Vector!);
            }

            writer.Json(entry.Point.Payload);
        }

        WriteSection(destination, "PNTS", section.WrittenSpan);

        section.Clear();
        writer.UInt32((uint)data.PayloadIndexes.Count);
        foreach ((string field, PayloadSchemaType schema) in data.PayloadIndexes)
        {
            writer.String(field);
            writer.Byte((byte)schema);
        }

        WriteSection(destination, "PIDX", section.WrittenSpan);
        WriteSection(destination, "HNSW", data.Graph.Span);
    }

    /// <summary>Reads and verifies a snapshot; throws <see cref="InvalidDataException"/> naming the damaged part.</summary>
    public static ShardSnapshotData Read(ReadOnlyMemory<byte> bytes, ShardOptions options)
    {
        ReadOnlySpan<byte> span = bytes.Span;
        if (span.Length < 16 || !span[..8].SequenceEqual(Magic))
        {
            throw new InvalidDataException("Shard snapshot: not a shard snapshot (bad magic).");
        }

        uint version = BinaryPrimitives.ReadUInt32LittleEndian(span[8..]);
        if (version is < 1 or > Version)
        {
            throw new InvalidDataException($"Shard snapshot: unsupported format version {version} (this build reads 1 to {Version}).");
        }

        uint count = BinaryPrimitives.ReadUInt32LittleEndian(span[12..]);
        if (count != Sections.Length)
        {
            throw new InvalidDataException($"Shard snapshot: header says {count} sections, version {Version} has {Sections.Length}.");
        }

        int offset = 16;
        var sections = new ReadOnlyMemory<byte>[Sections.Length];
        for (int i = 0; i < Sections.Length; i++)
        {
            sections[i] = ReadSection(bytes, ref offset, Sections[i]);
        }

        if (offset != span.Length)
        {
            throw new InvalidDataException($"Shard snapshot: {span.Length - offset} unexpected bytes after the last section.");
        }

        ShardOptions saved = ReadOptions(sections[0].Span, version, options);

        var meta = new ShardBinaryReader(sections[1].Span);
        ulong applied = meta.UInt64("META applied index");
        uint slots = meta.UInt32("META slot count");
        if (slots > int.MaxValue)
        {
            throw new InvalidDataException($"Shard snapshot: META slot count {slots} is out of range.");
        }

        int slotCount = (int)slots;
        int freeCount = meta.Count("META free slot count", 4);
        var free = new int[freeCount];
        for (int i = 0; i < freeCount; i++)
        {
            free[i] = CheckSlot(meta.Int32("META free slot"), slotCount, "META free slot");
        }

        End(ref meta, "META");

        var points = new ShardBinaryReader(sections[2].Span);
        int pointCount = points.Count("PNTS point count", 26);
        // Every slot holds a point or is free: the count is implied, and checking it keeps a crafted
        // count from making the restore allocate and walk that many slots.
        if ((long)pointCount + freeCount != slotCount)
        {
            throw new InvalidDataException($"Shard snapshot: META slot count {slotCount} is not the {pointCount} points plus the {freeCount} free slots.");
        }

        var list = new List<SnapshotPoint>(pointCount);
        for (int i = 0; i < pointCount; i++)
        {
            string at = $"PNTS point {i}";
            int slot = CheckSlot(points.Int32(at + " slot"), slotCount, at + " slot");
            PointId id = points.PointId(at + " id");
            ulong pointVersion = points.UInt64(at + " version");
            byte indexed = points.Byte(at + " indexed flag");
            if (indexed > 1)
            {
                throw new InvalidDataException($"Shard snapshot: {at}: indexed flag {indexed} is neither 0 nor 1.");
            }

            // An indexed point's vector is the graph's.
            float[]? vector = indexed == 1 ? null : points.Floats(options.Dimension, at + " vector");

            System.Text.Json.JsonElement payload = points.Json(at + " payload")
                ?? throw new InvalidDataException($"Shard snapshot: {at}: payload missing.");
            if (payload.ValueKind != System.Text.Json.JsonValueKind.Object)
            {
                throw new InvalidDataException($"Shard snapshot: {at}: payload is not an object.");
            }

            list.Add(new SnapshotPoint(slot, new StoredPoint(id) { Vector = vector, Payload = payload, Version = pointVersion }, indexed == 1));
        }

        End(ref points, "PNTS");

        var indexes = new ShardBinaryReader(sections[3].Span);
        int indexCount = indexes.Count("PIDX index count", 5);
        var payloadIndexes = new List<(string, PayloadSchemaType)>(indexCount);
        for (int i = 0; i < indexCount; i++)
        {
            string field = indexes.String($"PIDX index {i} field");
            byte schema = indexes.Byte($"PIDX index {i} schema");
            if (!Enum.IsDefined((PayloadSchemaType)schema) || !JsonPath.TryParse(field, out _, out _))
            {
                throw new InvalidDataException($"Shard snapshot: PIDX index {i}: field \"{field}\" or schema {schema} is not valid.");
            }

            payloadIndexes.Add((field, (PayloadSchemaType)schema));
        }

        End(ref indexes, "PIDX");
        return new ShardSnapshotData
        {
            Options = saved,
            AppliedIndex = applied,
            SlotCount = slotCount,
            FreeSlots = free,
            Points = list,
            PayloadIndexes = payloadIndexes,
            Graph = sections[4],
        };
    }

    /// <summary>
    /// The options the snapshot was taken with: <paramref name="options"/> with the saved index
    /// parameters (version 1 has no default ef or always_ram: those stay as the shard has them).
    /// </summary>
    private static ShardOptions ReadOptions(ReadOnlySpan<byte> section, uint version, ShardOptions options)
    {
        var reader = new ShardBinaryReader(section);
        uint dimension = reader.UInt32("OPTS dimension");
        byte metric = reader.Byte("OPTS metric");
        byte quantization = reader.Byte("OPTS quantization");
        uint m = reader.UInt32("OPTS m");
        uint efConstruct = reader.UInt32("OPTS ef_construct");
        uint defaultEf = version >= 2 ? reader.UInt32("OPTS default ef") : (uint)options.DefaultEf;
        byte alwaysRam = version >= 2 ? reader.Byte("OPTS always_ram") : (options.QuantizationAlwaysRam ? (byte)1 : (byte)0);
        End(ref reader, "OPTS");
        if (dimension != options.Dimension || metric != (byte)options.Metric)
        {
            throw new InvalidDataException(
                $"Shard snapshot: taken from a shard of dimension {dimension} and metric {(ShardDistance)metric}; this shard has dimension {options.Dimension} and metric {options.Metric}.");
        }

        if (!Enum.IsDefined((ShardQuantization)quantization) || alwaysRam > 1 || m > int.MaxValue || efConstruct > int.MaxValue || defaultEf > int.MaxValue)
        {
            throw new InvalidDataException($"Shard snapshot: OPTS holds invalid index settings (quantization {quantization}, m {m}, ef_construct {efConstruct}, default ef {defaultEf}, always_ram {alwaysRam}).");
        }

        ShardOptions saved = options with
        {
            Quantization = (ShardQuantization)quantization,
            M = (int)m,
            EfConstruct = (int)efConstruct,
            DefaultEf = (int)defaultEf,
            QuantizationAlwaysRam = alwaysRam == 1,
        };
        try
        {
            saved.Validate();
        }
        catch (ArgumentException error)
        {
            throw new InvalidDataException("Shard snapshot: OPTS holds invalid index settings: " + error.Message, error);
        }

        return saved;
    }

    private static int CheckSlot(int slot, int slotCount, string what) =>
        slot >= 0 && slot < slotCount ? slot : throw new InvalidDataException($"Shard snapshot: {what} {slot} is outside the {slotCount} slots.");

    private static void End(ref ShardBinaryReader reader, string section)
    {
        if (reader.Remaining != 0)
        {
            throw new InvalidDataException($"Shard snapshot: {reader.Remaining} unexpected bytes at the end of section {section}.");
        }
    }

    private static void WriteSection(Stream destination, string tag, ReadOnlySpan<byte> payload)
    {
        Span<byte> header = stackalloc byte[12];
        Encoding.ASCII.GetBytes(tag, header);
        BinaryPrimitives.WriteUInt64LittleEndian(header[4..], (ulong)payload.Length);
        destination.Write(header);
        destination.Write(payload);
        Span<byte> crc = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(crc, Crc32C.Compute(payload));
        destination.Write(crc);
    }

    private static ReadOnlyMemory<byte> ReadSection(ReadOnlyMemory<byte> bytes, ref int offset, string tag)
    {
        ReadOnlySpan<byte> span = bytes.Span;
        if (span.Length - offset < 12)
        {
            throw new InvalidDataException($"Shard snapshot: truncated before section {tag} (offset {offset}).");
        }

        string found = Encoding.ASCII.GetString(span.Slice(offset, 4));
        if (found != tag)
        {
            throw new InvalidDataException($"Shard snapshot: expected section {tag} at offset {offset}, found \"{found}\".");
        }

        ulong length = BinaryPrimitives.ReadUInt64LittleEndian(span[(offset + 4)..]);
        offset += 12;
        // Signed: with fewer than the CRC's 4 bytes left this is negative (cast to ulong it would pass any length).
        long available = (long)span.Length - offset - 4;
        if (available < 0 || length > (ulong)available)
        {
            throw new InvalidDataException($"Shard snapshot: section {tag} claims {length} bytes, only {Math.Max(0, available)} remain (truncated?).");
        }

        ReadOnlyMemory<byte> payload = bytes.Slice(offset, (int)length);
        offset += (int)length;
        uint stored = BinaryPrimitives.ReadUInt32LittleEndian(span[offset..]);
        offset += 4;
        uint computed = Crc32C.Compute(payload.Span);
        if (stored != computed)
        {
            throw new InvalidDataException($"Shard snapshot: section {tag} is damaged (CRC-32C stored {stored:x8}, computed {computed:x8}).");
        }

        return payload;
    }
}
