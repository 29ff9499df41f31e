using System.Buffers;
using System.Buffers.Binary;
using System.Text.Json;
using Vectron.Checksums;
using Vectron.Server.Model;

namespace Vectron.Server.Worker;

/// <summary>
/// Binary encoding of <see cref="ShardCommand"/>s and <see cref="ShardCommandResult"/>s: version byte,
/// kind byte, body, CRC-32C trailer (commands). Byte layout in <c>docs/formats/shard.md</c>.
/// Encoding is deterministic; decoding is strict and never trusts a length it has not checked.
/// </summary>
public static class ShardCommandCodec
{
    /// <summary>
    /// The newest command format version: 2 added <see cref="ShardCommandKind.ReconfigureIndex"/>. A
    /// command is written with the oldest version that has its kind (kinds 1–9: version 1, so those
    /// bytes stay readable by builds that know only version 1); both versions are read.
    /// </summary>
    public const byte CommandVersion = 2;

    /// <summary>The result format version written and accepted.</summary>
    public const byte ResultVersion = 1;

    /// <summary>Encodes a command.</summary>
    public static byte[] Encode(ShardCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new ShardBinaryWriter(buffer);
        writer.Byte(command.Kind == ShardCommandKind.ReconfigureIndex ? (byte)2 : (byte)1);
        writer.Byte((byte)command.Kind);
        switch (command)
        {
            case UpsertPoints upsert:
                writer.UInt32((uint)upsert.Points.Count);
                foreach (PointWrite point in upsert.Points)
                {
                    writer.PointId(point.Id);
                    writer.Vector(point.Vector);
                    writer.Json(point.Payload);
                }

                break;
            case DeletePoints delete:
                WriteIds(writer, delete.Ids);
                break;
            case DeletePointsByFilter byFilter:
                writer.Filter(byFilter.Filter);
                break;
            case SetPayload set:
                WriteSelector(writer, set.Selector);
                writer.Json(set.Payload);
                writer.Byte(set.Key is null ? (byte)0 : (byte)1);
                if (set.Key is not null)
                {
                    writer.String(set.Key);
                }

                break;
            case OverwritePayload overwrite:
                WriteSelector(writer, overwrite.Selector);
                writer.Json(overwrite.Payload);
                break;
            case DeletePayloadKeys deleteKeys:
                WriteSelector(writer, deleteKeys.Selector);
                writer.UInt32((uint)deleteKeys.Keys.Count);
                foreach (string key in deleteKeys.Keys)
                {
                    writer.String(key);
                }

                break;
            case ClearPayload clear:
                WriteSelector(writer, clear.Selector);
                break;
            case CreatePayloadIndex create:
                writer.String(create.Field);
                writer.Byte((byte)create.Schema);
                break;
            case DeletePayloadIndex drop:
                writer.String(drop.Field);
                break;
            case ReconfigureIndex reconfigure:
                writer.UInt32((uint)reconfigure.M);
                writer.UInt32((uint)reconfigure.EfConstruct);
                writer.Byte((byte)reconfigure.Quantization);
                writer.Byte(reconfigure.QuantizationAlwaysRam ? (byte)1 : (byte)0);
                break;
            default:
                throw new ArgumentException($"Unknown command type {command.GetType().Name}.", nameof(command));
        }

        writer.UInt32(Crc32C.Compute(buffer.WrittenSpan));
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Decodes a command; throws <see cref="InvalidDataException"/> naming what is wrong with damaged or unknown bytes.</summary>
    public static ShardCommand Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 6)
        {
            throw new InvalidDataException($"Shard command: {bytes.Length} bytes is shorter than the 6-byte minimum.");
        }

        uint stored = BinaryPrimitives.ReadUInt32LittleEndian(bytes[^4..]);
        uint computed = Crc32C.Compute(bytes[..^4]);
        if (stored != computed)
        {
            throw new InvalidDataException($"Shard command: CRC-32C mismatch (stored {stored:x8}, computed {computed:x8}).");
        }

        var reader = new ShardBinaryReader(bytes[..^4]);
        byte version = reader.Byte("version");
        if (version is < 1 or > CommandVersion)
        {
            throw new InvalidDataException($"Shard command: unsupported version {version} (this build reads 1 to {CommandVersion}).");
        }

        byte kind = reader.Byte("kind");
        ShardCommand command = (ShardCommandKind)kind switch
        {
            ShardCommandKind.UpsertPoints => ReadUpsert(ref reader),
            ShardCommandKind.DeletePoints => new DeletePoints(ReadIds(ref reader, "ids")),
            ShardCommandKind.DeletePointsByFilter => new DeletePointsByFilter(reader.Filter("filter")),
            ShardCommandKind.SetPayload => ReadSetPayload(ref reader),
            ShardCommandKind.OverwritePayload => new OverwritePayload(ReadSelector(ref reader), RequiredJson(ref reader, "payload")),
            ShardCommandKind.DeletePayloadKeys => ReadDeleteKeys(ref reader),
            ShardCommandKind.ClearPayload => new ClearPayload(ReadSelector(ref reader)),
            ShardCommandKind.CreatePayloadIndex => ReadCreateIndex(ref reader),
            ShardCommandKind.DeletePayloadIndex => new DeletePayloadIndex(reader.String("field")),
            ShardCommandKind.ReconfigureIndex when version >= 2 => ReadReconfigure(ref reader),
            ShardCommandKind.ReconfigureIndex => throw new InvalidDataException($"Shard command: kind {kind} needs format version 2, found {version}."),
            _ => throw new InvalidDataException($"Shard command: unknown kind {kind}."),
        };
        if (reader.Remaining != 0)
        {
            throw new InvalidDataException($"Shard command: {reader.Remaining} unexpected bytes after the {(ShardCommandKind)kind} body.");
        }

        return command;
    }

    /// <summary>Decodes a command, or returns false with the reason.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> bytes, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ShardCommand? command, out string error)
    {
        try
        {
            command = Decode(bytes);
            error = string.Empty;
            return true;
        }
        catch (InvalidDataException failure)
        {
            command = null;
            error = failure.Message;
            return false;
        }
    }

    /// <summary>Encodes a command result.</summary>
    public static byte[] EncodeResult(ShardCommandResult result)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new ShardBinaryWriter(buffer);
        writer.Byte(ResultVersion);
        writer.Byte((byte)result.Status);
        writer.Int64(result.Count);
        writer.String(result.Message ?? string.Empty);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Decodes a command result; throws <see cref="InvalidDataException"/> for damaged bytes.</summary>
    public static ShardCommandResult DecodeResult(ReadOnlySpan<byte> bytes)
    {
        var reader = new ShardBinaryReader(bytes);
        byte version = reader.Byte("result version");
        if (version != ResultVersion)
        {
            throw new InvalidDataException($"Shard result: unsupported version {version}.");
        }

        byte status = reader.Byte("result status");
        if (!Enum.IsDefined((ShardResultStatus)status))
        {
            throw new InvalidDataException($"Shard result: unknown status {status}.");
        }

        long count = reader.Int64("result count");
        string message = reader.String("result message");
        if (reader.Remaining != 0)
        {
            throw new InvalidDataException($"Shard result: {reader.Remaining} unexpected trailing bytes.");
        }

        return new ShardCommandResult((ShardResultStatus)status, count, message);
    }

    private static UpsertPoints ReadUpsert(ref ShardBinaryReader reader)
    {
        int count = reader.Count("point count", 13);
        var points = new PointWrite[count];
        for (int i = 0; i < count; i++)
        {
            PointId id = reader.PointId($"points[{i}].id");
            float[] vector = reader.Vector($"points[{i}].vector");
            JsonElement? payload = reader.CheckedJson($"points[{i}].payload");
            points[i] = new PointWrite(id, vector, payload);
        }

        return new UpsertPoints(points);
    }

    private static SetPayload ReadSetPayload(ref ShardBinaryReader reader)
    {
        PointSelector selector = ReadSelector(ref reader);
        JsonElement payload = RequiredJson(ref reader, "payload");
        byte hasKey = reader.Byte("key flag");
        string? key = hasKey switch
        {
            0 => null,
            1 => reader.String("key"),
            _ => throw new InvalidDataException($"Shard command: key flag {hasKey} is neither 0 nor 1."),
        };
        return new SetPayload(selector, payload, key);
    }

    private static DeletePayloadKeys ReadDeleteKeys(ref ShardBinaryReader reader)
    {
        PointSelector selector = ReadSelector(ref reader);
        int count = reader.Count("key count", 4);
        var keys = new string[count];
        for (int i = 0; i < count; i++)
        {
            keys[i] = reader.String($"keys[{i}]");
        }

        return new DeletePayloadKeys(selector, keys);
    }

    private static CreatePayloadIndex ReadCreateIndex(ref ShardBinaryReader reader)
    {
        string field = reader.String("field");
        byte schema = reader.Byte("schema");
        return Enum.IsDefined((PayloadSchemaType)schema)
            ? new CreatePayloadIndex(field, (PayloadSchemaType)schema)
            : throw new InvalidDataException($"Shard command: unknown payload schema {schema}.");
    }

    private static ReconfigureIndex ReadReconfigure(ref ShardBinaryReader reader)
    {
        uint m = reader.UInt32("m");
        uint efConstruct = reader.UInt32("ef_construct");
        byte quantization = reader.Byte("quantization");
        byte alwaysRam = reader.Byte("always_ram flag");
        if (m > int.MaxValue || efConstruct > int.MaxValue)
        {
            throw new InvalidDataException($"Shard command: m {m} or ef_construct {efConstruct} is out of range.");
        }

        if (!Enum.IsDefined((ShardQuantization)quantization))
        {
            throw new InvalidDataException($"Shard command: unknown quantization {quantization}.");
        }

        return alwaysRam <= 1
            ? new ReconfigureIndex((int)m, (int)efConstruct, (ShardQuantization)quantization, alwaysRam == 1)
            : throw new InvalidDataException($"Shard command: always_ram flag {alwaysRam} is neither 0 nor 1.");
    }

    private static JsonElement RequiredJson(ref ShardBinaryReader reader, string what) =>
        reader.CheckedJson(what) ?? throw new InvalidDataException($"Shard command: {what} is missing.");

    private static void WriteIds(ShardBinaryWriter writer, IReadOnlyList<PointId> ids)
    {
        writer.UInt32((uint)ids.Count);
        foreach (PointId id in ids)
        {
            writer.PointId(id);
        }
    }

    private static PointId[] ReadIds(ref ShardBinaryReader reader, string what)
    {
        int count = reader.Count(what + " count", 9);
        var ids = new PointId[count];
        for (int i = 0; i < count; i++)
        {
            ids[i] = reader.PointId($"{what}[{i}]");
        }

        return ids;
    }

    private static void WriteSelector(ShardBinaryWriter writer, PointSelector selector)
    {
        if (selector.Ids is { } ids)
        {
            writer.Byte(0);
            WriteIds(writer, ids);
        }
        else
        {
            writer.Byte(1);
            writer.Filter(selector.Filter!);
        }
    }

    private static PointSelector ReadSelector(ref ShardBinaryReader reader)
    {
        byte kind = reader.Byte("selector kind");
        return kind switch
        {
            0 => PointSelector.ForIds(ReadIds(ref reader, "selector ids")),
            1 => PointSelector.ForFilter(reader.Filter("selector filter")),
            _ => throw new InvalidDataException($"Shard command: unknown selector kind {kind}."),
        };
    }
}
