using System.Collections.Immutable;
using System.Text;
using Vectron.Checksums;
using Vectron.Server.Placement;

namespace Vectron.Server.Node;

/// <summary>
/// A collection snapshot file (docs/formats/collection-snapshot.md): a checksummed header (the
/// collection's configuration and payload indexes) followed by each shard's snapshot (the shard
/// engine's own format), each with its length and CRC-32C.
/// </summary>
public static class CollectionSnapshotFile
{
    /// <summary>"VCSN" little-endian.</summary>
    public const uint Magic = 0x4E534356;

    /// <summary>The layout version.</summary>
    public const byte Version = 1;

    /// <summary>What the header says.</summary>
    /// <param name="Collection">The collection's name when the snapshot was taken.</param>
    /// <param name="CreatedUnixMilliseconds">When it was taken.</param>
    /// <param name="Config">The shards' configuration.</param>
    /// <param name="PayloadIndexes">Field → schema name.</param>
    /// <param name="ShardCount">How many shard sections follow.</param>
    public sealed record Header(string Collection, long CreatedUnixMilliseconds, CollectionConfig Config,
        ImmutableSortedDictionary<string, string> PayloadIndexes, int ShardCount);

    /// <summary>Writes the header.</summary>
    public static void WriteHeader(Stream destination, Header header)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(header);
        using var body = new MemoryStream();
        using (var writer = new BinaryWriter(body, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(header.Collection);
            writer.Write(header.CreatedUnixMilliseconds);
            PlacementCodec.WriteConfig(writer, header.Config);
            writer.Write(header.PayloadIndexes.Count);
            foreach (var (field, schema) in header.PayloadIndexes)
            {
                writer.Write(field);
                writer.Write(schema);
            }
            writer.Write(header.ShardCount);
        }
        using var output = new BinaryWriter(destination, Encoding.UTF8, leaveOpen: true);
        output.Write(Magic);
        output.Write(Version);
        output.Write((uint)body.Length);
        output.Write(body.GetBuffer(), 0, (int)body.Length);
        output.Write(Crc32C.Compute(body.GetBuffer().AsSpan(0, (int)body.Length)));
    }

    /// <summary>Writes one shard section: length (u64), the shard snapshot, CRC-32C (u32) of it.</summary>
    public static void WriteShard(Stream destination, ReadOnlySpan<byte> shardSnapshot)
    {
        ArgumentNullException.ThrowIfNull(destination);
        Span<byte> length = stackalloc byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)shardSnapshot.Length);
        destination.Write(length);
        destination.Write(shardSnapshot);
        Span<byte> crc = stackalloc byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(crc, Crc32C.Compute(shardSnapshot));
        destination.Write(crc);
    }

    /// <summary>Reads and checks the header.</summary>
    /// <exception cref="InvalidDataException">Not a collection snapshot, another version, or damaged (the message says which).</exception>
    public static Header ReadHeader(Stream source)
    {
        ArgumentNullException.ThrowIfNull(source);
        using var reader = new BinaryReader(source, Encoding.UTF8, leaveOpen: true);
        try
        {
            if (reader.ReadUInt32() != Magic)
            {
                throw new InvalidDataException("not a Vectron collection snapshot (bad magic)");
            }
            byte version = reader.ReadByte();
            if (version != Version)
            {
                throw new InvalidDataException($"collection snapshot version {version} is not supported (expected {Version})");
            }
            uint length = reader.ReadUInt32();
            if (length > 64 << 20)
            {
                throw new InvalidDataException($"collection snapshot header length {length} is implausible");
            }
            byte[] body = reader.ReadBytes((int)length);
            if (body.Length != length)
            {
                throw new InvalidDataException("collection snapshot header is truncated");
            }
            if (reader.ReadUInt32() != Crc32C.Compute(body))
            {
                throw new InvalidDataException("collection snapshot header checksum mismatch");
            }
            using var header = new BinaryReader(new MemoryStream(body), Encoding.UTF8);
            string name = header.ReadString();
            long created = header.ReadInt64();
            var config = PlacementCodec.ReadConfig(header);
            int indexCount = header.ReadInt32();
            if (indexCount < 0)
            {
                throw new InvalidDataException("collection snapshot header: negative payload index count");
            }
            var indexes = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
            for (int i = 0; i < indexCount; i++)
            {
                indexes[header.ReadString()] = header.ReadString();
            }
            int shards = header.ReadInt32();
            if (shards != config.ShardNumber)
            {
                throw new InvalidDataException($"collection snapshot header: {shards} shard sections for {config.ShardNumber} shards");
            }
            return new Header(name, created, config, indexes.ToImmutable(), shards);
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException("collection snapshot is truncated", e);
        }
    }

    /// <summary>Reads and checks the next shard section.</summary>
    /// <exception cref="InvalidDataException">Truncated or damaged.</exception>
    public static byte[] ReadShard(Stream source, int shard)
    {
        ArgumentNullException.ThrowIfNull(source);
        using var reader = new BinaryReader(source, Encoding.UTF8, leaveOpen: true);
        try
        {
            ulong length = reader.ReadUInt64();
            if (length > int.MaxValue)
            {
                throw new InvalidDataException($"collection snapshot shard {shard}: length {length} is too large");
            }
            byte[] data = reader.ReadBytes((int)length);
            if ((ulong)data.Length != length)
            {
                throw new InvalidDataException($"collection snapshot shard {shard} is truncated");
            }
            if (reader.ReadUInt32() != Crc32C.Compute(data))
            {
                throw new InvalidDataException($"collection snapshot shard {shard}: checksum mismatch");
            }
            return data;
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException($"collection snapshot shard {shard} is truncated", e);
        }
    }
}
