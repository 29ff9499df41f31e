using System.Collections.Immutable;
using System.Text;

namespace Vectron.Server.Placement;

/// <summary>
/// The binary encodings of placement commands, results and snapshots (docs/formats/placement.md).
/// Little-endian; strings are UTF-8 with a 7-bit-encoded length prefix (BinaryWriter's encoding).
/// </summary>
public static class PlacementCodec
{
    /// <summary>
    /// The newest command version: 2 added ReplaceCollection (kind 7); 3 changed UpdateCollection (kind 3) to name
    /// only the HNSW fields it changes. A command is written with the oldest version that has its kind and layout
    /// (kinds 1, 2, 4–6: version 1; 7: version 2; 3: version 3); all are read.
    /// </summary>
    public const byte CommandVersion = 3;

    /// <summary>The snapshot's magic number ("VPDS").</summary>
    public const uint SnapshotMagic = 0x53445056;

    /// <summary>Version of the snapshot layout.</summary>
    public const byte SnapshotVersion = 1;

    private enum Kind : byte
    {
        CreateCollection = 1,
        DeleteCollection = 2,
        UpdateCollection = 3,
        AliasActions = 4,
        SetPayloadIndex = 5,
        DropPayloadIndex = 6,
        ReplaceCollection = 7,
    }

    /// <summary>Encodes a command.</summary>
    public static byte[] Encode(PlacementCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(command switch
            {
                UpdateCollectionCommand => (byte)3,
                ReplaceCollectionCommand => (byte)2,
                _ => (byte)1,
            });
            switch (command)
            {
                case CreateCollectionCommand create:
                    writer.Write((byte)Kind.CreateCollection);
                    writer.Write(create.Name);
                    WriteConfig(writer, create.Config);
                    break;
                case DeleteCollectionCommand delete:
                    writer.Write((byte)Kind.DeleteCollection);
                    writer.Write(delete.Name);
                    break;
                case UpdateCollectionCommand update:
                    writer.Write((byte)Kind.UpdateCollection);
                    writer.Write(update.Name);
                    WriteHnswPatch(writer, update.Hnsw);
                    WriteQuantization(writer, update.Quantization);
                    writer.Write(update.DisableQuantization);
                    break;
                case AliasActionsCommand aliases:
                    writer.Write((byte)Kind.AliasActions);
                    writer.Write(aliases.Actions.Length);
                    foreach (var action in aliases.Actions)
                    {
                        writer.Write((byte)action.Kind);
                        writer.Write(action.Alias);
                        writer.Write(action.Target);
                    }
                    break;
                case SetPayloadIndexCommand setIndex:
                    writer.Write((byte)Kind.SetPayloadIndex);
                    writer.Write(setIndex.Collection);
                    writer.Write(setIndex.Field);
                    writer.Write(setIndex.Schema);
                    break;
                case DropPayloadIndexCommand dropIndex:
                    writer.Write((byte)Kind.DropPayloadIndex);
                    writer.Write(dropIndex.Collection);
                    writer.Write(dropIndex.Field);
                    break;
                case ReplaceCollectionCommand replace:
                    writer.Write((byte)Kind.ReplaceCollection);
                    writer.Write(replace.Source);
                    writer.Write(replace.Target);
                    break;
                default:
                    throw new ArgumentException($"unknown placement command {command.GetType().Name}", nameof(command));
            }
        }
        return stream.ToArray();
    }

    /// <summary>Decodes a command written by <see cref="Encode(PlacementCommand)"/>.</summary>
    /// <exception cref="InvalidDataException">The bytes are not a valid command.</exception>
    public static PlacementCommand Decode(ReadOnlySpan<byte> bytes)
    {
        using var stream = new MemoryStream(bytes.ToArray(), writable: false);
        using var reader = new BinaryReader(stream, Encoding.UTF8);
        try
        {
            byte version = reader.ReadByte();
            if (version is < 1 or > CommandVersion)
            {
                throw new InvalidDataException($"placement command version {version} is not supported");
            }
            var kind = (Kind)reader.ReadByte();
            PlacementCommand command = kind switch
            {
                Kind.CreateCollection => new CreateCollectionCommand(reader.ReadString(), ReadConfig(reader)),
                Kind.DeleteCollection => new DeleteCollectionCommand(reader.ReadString()),
                Kind.UpdateCollection => new UpdateCollectionCommand(reader.ReadString(),
                    version >= 3 ? ReadHnswPatch(reader) : reader.ReadBoolean() ? HnswPatch.Of(ReadHnsw(reader)) : null,
                    ReadQuantization(reader), reader.ReadBoolean()),
                Kind.AliasActions => new AliasActionsCommand(ReadAliasActions(reader)),
                Kind.SetPayloadIndex => new SetPayloadIndexCommand(reader.ReadString(), reader.ReadString(), reader.ReadString()),
                Kind.DropPayloadIndex => new DropPayloadIndexCommand(reader.ReadString(), reader.ReadString()),
                Kind.ReplaceCollection when version >= 2 => new ReplaceCollectionCommand(reader.ReadString(), reader.ReadString()),
                _ => throw new InvalidDataException($"unknown placement command kind {(byte)kind}"),
            };
            if (stream.Position != stream.Length)
            {
                throw new InvalidDataException($"placement command has {stream.Length - stream.Position} trailing bytes");
            }
            return command;
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException("placement command is truncated", e);
        }
    }

    /// <summary>Encodes a command's result: status byte, epoch (u64), message.</summary>
    public static byte[] EncodeOutcome(PlacementOutcome outcome)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write((byte)outcome.Status);
            writer.Write(outcome.Epoch);
            writer.Write(outcome.Message);
        }
        return stream.ToArray();
    }

    /// <summary>Decodes a result written by <see cref="EncodeOutcome"/>.</summary>
    public static PlacementOutcome DecodeOutcome(ReadOnlySpan<byte> bytes)
    {
        using var stream = new MemoryStream(bytes.ToArray(), writable: false);
        using var reader = new BinaryReader(stream, Encoding.UTF8);
        var status = (PlacementStatus)reader.ReadByte();
        ulong epoch = reader.ReadUInt64();
        return new PlacementOutcome(status, reader.ReadString(), epoch);
    }

    /// <summary>Writes the whole state (the snapshot payload).</summary>
    public static void WriteState(Stream destination, PlacementState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        using var writer = new BinaryWriter(destination, Encoding.UTF8, leaveOpen: true);
        writer.Write(SnapshotMagic);
        writer.Write(SnapshotVersion);
        writer.Write(state.Epoch);
        writer.Write(state.NextGroupId);
        writer.Write(state.Collections.Count);
        foreach (var collection in state.Collections.Values)
        {
            writer.Write(collection.Name);
            WriteConfig(writer, collection.Config);
            writer.Write(collection.ShardGroups.Length);
            foreach (ulong group in collection.ShardGroups)
            {
                writer.Write(group);
            }
            writer.Write(collection.PayloadIndexes.Count);
            foreach (var (field, schema) in collection.PayloadIndexes)
            {
                writer.Write(field);
                writer.Write(schema);
            }
            writer.Write(collection.CreatedEpoch);
            WriteConfig(writer, collection.ShardConfig);
        }
        writer.Write(state.Aliases.Count);
        foreach (var (alias, target) in state.Aliases)
        {
            writer.Write(alias);
            writer.Write(target);
        }
        writer.Write(state.RetiredGroups.Count);
        foreach (ulong group in state.RetiredGroups)
        {
            writer.Write(group);
        }
    }

    /// <summary>Reads a state written by <see cref="WriteState"/>.</summary>
    /// <exception cref="InvalidDataException">Not a placement snapshot, or a version this build cannot read.</exception>
    public static PlacementState ReadState(Stream source)
    {
        using var reader = new BinaryReader(source, Encoding.UTF8, leaveOpen: true);
        try
        {
            if (reader.ReadUInt32() != SnapshotMagic)
            {
                throw new InvalidDataException("not a placement snapshot (bad magic)");
            }
            byte version = reader.ReadByte();
            if (version != SnapshotVersion)
            {
                throw new InvalidDataException($"placement snapshot version {version} is not supported");
            }
            ulong epoch = reader.ReadUInt64();
            ulong nextGroupId = reader.ReadUInt64();
            var collections = ImmutableSortedDictionary.CreateBuilder<string, CollectionRecord>(StringComparer.Ordinal);
            int collectionCount = ReadCount(reader);
            for (int i = 0; i < collectionCount; i++)
            {
                string name = reader.ReadString();
                var config = ReadConfig(reader);
                var groups = ImmutableArray.CreateBuilder<ulong>();
                int groupCount = ReadCount(reader);
                for (int g = 0; g < groupCount; g++)
                {
                    groups.Add(reader.ReadUInt64());
                }
                var indexes = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
                int indexCount = ReadCount(reader);
                for (int x = 0; x < indexCount; x++)
                {
                    indexes[reader.ReadString()] = reader.ReadString();
                }
                ulong createdEpoch = reader.ReadUInt64();
                collections[name] = new CollectionRecord(name, config, groups.ToImmutable(), indexes.ToImmutable(), createdEpoch, ReadConfig(reader));
            }
            var aliases = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
            int aliasCount = ReadCount(reader);
            for (int i = 0; i < aliasCount; i++)
            {
                aliases[reader.ReadString()] = reader.ReadString();
            }
            var retired = ImmutableSortedSet.CreateBuilder<ulong>();
            int retiredCount = ReadCount(reader);
            for (int i = 0; i < retiredCount; i++)
            {
                retired.Add(reader.ReadUInt64());
            }
            return new PlacementState(epoch, nextGroupId, collections.ToImmutable(), aliases.ToImmutable(), retired.ToImmutable());
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException("placement snapshot is truncated", e);
        }
    }

    private static int ReadCount(BinaryReader reader)
    {
        int count = reader.ReadInt32();
        return count >= 0 ? count : throw new InvalidDataException($"negative count {count} in placement data");
    }

    private static ImmutableArray<AliasAction> ReadAliasActions(BinaryReader reader)
    {
        int count = ReadCount(reader);
        var actions = ImmutableArray.CreateBuilder<AliasAction>(count);
        for (int i = 0; i < count; i++)
        {
            var kind = (AliasActionKind)reader.ReadByte();
            if (kind is not (AliasActionKind.Create or AliasActionKind.Delete or AliasActionKind.Rename))
            {
                throw new InvalidDataException($"unknown alias action {(byte)kind}");
            }
            actions.Add(new AliasAction(kind, reader.ReadString(), reader.ReadString()));
        }
        return actions.MoveToImmutable();
    }

    /// <summary>Writes a collection config (also used by collection snapshot files).</summary>
    public static void WriteConfig(BinaryWriter writer, CollectionConfig config)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(config);
        writer.Write(config.VectorSize);
        writer.Write((byte)config.Distance);
        writer.Write(config.ShardNumber);
        WriteHnsw(writer, config.Hnsw);
        WriteQuantization(writer, config.Quantization);
    }

    /// <summary>Reads a collection config written by <see cref="WriteConfig"/>.</summary>
    public static CollectionConfig ReadConfig(BinaryReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        int size = reader.ReadInt32();
        var distance = (VectorDistance)reader.ReadByte();
        if (distance is not (VectorDistance.Cosine or VectorDistance.Dot or VectorDistance.Euclid))
        {
            throw new InvalidDataException($"unknown distance {(byte)distance}");
        }
        int shards = reader.ReadInt32();
        return new CollectionConfig(size, distance, shards, ReadHnsw(reader), ReadQuantization(reader));
    }

    private static void WriteHnsw(BinaryWriter writer, HnswSettings hnsw)
    {
        writer.Write(hnsw.M);
        writer.Write(hnsw.EfConstruct);
        writer.Write(hnsw.FullScanThreshold);
    }

    private static HnswSettings ReadHnsw(BinaryReader reader) => new(reader.ReadInt32(), reader.ReadInt32(), reader.ReadInt32());

    // A flags byte (bit 0: m, bit 1: ef_construct, bit 2: full_scan_threshold; 0: no HNSW change), then the named fields as i32 in that order.
    private static void WriteHnswPatch(BinaryWriter writer, HnswPatch? patch)
    {
        int?[] fields = patch is null ? [] : [patch.M, patch.EfConstruct, patch.FullScanThreshold];
        byte flags = 0;
        for (int i = 0; i < fields.Length; i++)
        {
            flags |= fields[i].HasValue ? (byte)(1 << i) : (byte)0;
        }
        writer.Write(flags);
        foreach (var field in fields)
        {
            if (field is { } value)
            {
                writer.Write(value);
            }
        }
    }

    private static HnswPatch? ReadHnswPatch(BinaryReader reader)
    {
        byte flags = reader.ReadByte();
        if ((flags & ~0b111) != 0)
        {
            throw new InvalidDataException($"placement command: unknown HNSW patch flags 0x{flags:x2}");
        }
        if (flags == 0)
        {
            return null;
        }
        int? Field(int bit) => (flags & (1 << bit)) != 0 ? reader.ReadInt32() : null;
        int? m = Field(0);
        int? efConstruct = Field(1);
        int? fullScan = Field(2);
        return new HnswPatch(m, efConstruct, fullScan);
    }

    private static void WriteQuantization(BinaryWriter writer, QuantizationSettings? quantization)
    {
        // 0: none; 1: int8, then always_ram, has-quantile, quantile.
        if (quantization is null)
        {
            writer.Write((byte)0);
            return;
        }
        writer.Write((byte)1);
        writer.Write(quantization.AlwaysRam);
        writer.Write(quantization.Quantile.HasValue);
        writer.Write(quantization.Quantile ?? 0f);
    }

    private static QuantizationSettings? ReadQuantization(BinaryReader reader)
    {
        byte kind = reader.ReadByte();
        if (kind == 0)
        {
            return null;
        }
        if (kind != 1)
        {
            throw new InvalidDataException($"unknown quantization kind {kind}");
        }
        bool alwaysRam = reader.ReadBoolean();
        bool hasQuantile = reader.ReadBoolean();
        float quantile = reader.ReadSingle();
        return new QuantizationSettings(alwaysRam, hasQuantile ? quantile : null);
    }
}
