using System.Buffers.Binary;
using System.Text;
using Vectron.Checksums;

namespace Vectron.Storage.Snapshots;

/// <summary>Encodes and checks manifests, version 1 (docs/formats/snapshot.md).</summary>
internal static class SnapshotManifestCodec
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The manifest of a snapshot of <paramref name="files"/>, in their order.</summary>
    /// <exception cref="ArgumentException">A name is invalid or repeated, or there are too many files.</exception>
    public static SnapshotManifest Create(ulong index, ulong term, IReadOnlyList<SnapshotFileEntry> files)
    {
        if (files.Count > SnapshotFormat.MaxFileCount)
        {
            throw new ArgumentException($"a snapshot holds at most {SnapshotFormat.MaxFileCount} files; {files.Count} were given", nameof(files));
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        long length = SnapshotFormat.MinManifestLength;
        long data = 0;
        foreach (var file in files)
        {
            if (SnapshotFileName.Problem(file.Name) is string problem)
            {
                throw new ArgumentException(problem, nameof(files));
            }

            if (!names.Add(file.Name))
            {
                throw new ArgumentException($"the file name '{file.Name}' appears twice", nameof(files));
            }

            ArgumentOutOfRangeException.ThrowIfNegative(file.Length);
            length += SnapshotFormat.EntryFixedLength + Encoding.UTF8.GetByteCount(file.Name);
            data = checked(data + file.Length);
        }

        if (length > SnapshotFormat.MaxManifestLength)
        {
            throw new ArgumentException($"the manifest would be {length} bytes; at most {SnapshotFormat.MaxManifestLength} are allowed", nameof(files));
        }

        var bytes = new byte[length];
        var span = bytes.AsSpan();
        SnapshotFormat.Magic.CopyTo(span);
        BinaryPrimitives.WriteUInt32LittleEndian(span[8..], SnapshotFormat.Version);
        BinaryPrimitives.WriteUInt32LittleEndian(span[12..], (uint)length);
        BinaryPrimitives.WriteUInt64LittleEndian(span[16..], index);
        BinaryPrimitives.WriteUInt64LittleEndian(span[24..], term);
        BinaryPrimitives.WriteUInt32LittleEndian(span[32..], (uint)files.Count);
        BinaryPrimitives.WriteUInt64LittleEndian(span[36..], (ulong)data);
        BinaryPrimitives.WriteUInt32LittleEndian(span[SnapshotFormat.HeaderChecksumOffset..], Crc32C.Compute(span[..SnapshotFormat.HeaderChecksumOffset]));

        int position = SnapshotFormat.HeaderLength;
        foreach (var file in files)
        {
            int nameLength = Encoding.UTF8.GetBytes(file.Name, span[(position + 2)..]);
            BinaryPrimitives.WriteUInt16LittleEndian(span[position..], (ushort)nameLength);
            position += 2 + nameLength;
            BinaryPrimitives.WriteUInt64LittleEndian(span[position..], (ulong)file.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(span[(position + 8)..], file.Checksum);
            position += 12;
        }

        BinaryPrimitives.WriteUInt32LittleEndian(span[position..], Crc32C.Compute(span[..position]));
        return new SnapshotManifest(index, term, [.. files], bytes);
    }

    /// <summary>Checks the first <see cref="SnapshotFormat.HeaderLength"/> bytes of a manifest read from <paramref name="source"/>.</summary>
    /// <exception cref="SnapshotCorruptException">The header is not a valid version 1 manifest header.</exception>
    public static ManifestHeader ParseHeader(ReadOnlySpan<byte> bytes, string source)
    {
        if (bytes.Length < SnapshotFormat.HeaderLength)
        {
            throw Corrupt(source, bytes.Length, $"the manifest is truncated: {bytes.Length} bytes is shorter than its {SnapshotFormat.HeaderLength}-byte header");
        }

        if (!bytes[..8].SequenceEqual(SnapshotFormat.Magic))
        {
            throw Corrupt(source, 0, "not a Vectron snapshot manifest: the first 8 bytes are not the magic \"VXSNAPMF\"");
        }

        uint version = BinaryPrimitives.ReadUInt32LittleEndian(bytes[8..]);
        if (version != SnapshotFormat.Version)
        {
            throw Corrupt(source, 8, $"snapshot format version {version} is not supported; this build reads version {SnapshotFormat.Version}");
        }

        uint stored = BinaryPrimitives.ReadUInt32LittleEndian(bytes[SnapshotFormat.HeaderChecksumOffset..]);
        uint computed = Crc32C.Compute(bytes[..SnapshotFormat.HeaderChecksumOffset]);
        if (stored != computed)
        {
            throw Corrupt(source, SnapshotFormat.HeaderChecksumOffset, $"the manifest header is corrupt: CRC32C 0x{stored:X8} stored, 0x{computed:X8} computed over bytes 0 … 43");
        }

        uint length = BinaryPrimitives.ReadUInt32LittleEndian(bytes[12..]);
        uint count = BinaryPrimitives.ReadUInt32LittleEndian(bytes[32..]);
        ulong data = BinaryPrimitives.ReadUInt64LittleEndian(bytes[36..]);
        if (count > SnapshotFormat.MaxFileCount)
        {
            throw Corrupt(source, 32, $"the manifest lists {count} files; at most {SnapshotFormat.MaxFileCount} are allowed");
        }

        long shortest = SnapshotFormat.MinManifestLength + ((SnapshotFormat.EntryFixedLength + 1L) * count);
        long longest = SnapshotFormat.MinManifestLength + ((SnapshotFormat.EntryFixedLength + (long)SnapshotFormat.MaxNameLength) * count);
        if (length < shortest || length > longest || length > SnapshotFormat.MaxManifestLength)
        {
            throw Corrupt(source, 12, $"the manifest length {length} is impossible for {count} files (expected {shortest} … {Math.Min(longest, SnapshotFormat.MaxManifestLength)})");
        }

        if (data > (ulong)(long.MaxValue - length))
        {
            throw Corrupt(source, 36, $"the manifest's data length {data} is too large");
        }

        return new ManifestHeader((int)length, BinaryPrimitives.ReadUInt64LittleEndian(bytes[16..]), BinaryPrimitives.ReadUInt64LittleEndian(bytes[24..]), (int)count, (long)data);
    }

    /// <summary>Checks a whole manifest read from <paramref name="source"/> and returns what it lists.</summary>
    /// <exception cref="SnapshotCorruptException">The bytes are not exactly one valid version 1 manifest.</exception>
    public static SnapshotManifest Parse(ReadOnlySpan<byte> bytes, string source)
    {
        var header = ParseHeader(bytes, source);
        if (bytes.Length != header.Length)
        {
            throw Corrupt(source, Math.Min(bytes.Length, header.Length), $"the manifest is {bytes.Length} bytes but its header says {header.Length}");
        }

        int trailer = header.Length - SnapshotFormat.TrailerLength;
        uint stored = BinaryPrimitives.ReadUInt32LittleEndian(bytes[trailer..]);
        uint computed = Crc32C.Compute(bytes[..trailer]);
        if (stored != computed)
        {
            throw Corrupt(source, trailer, $"the manifest is corrupt: CRC32C 0x{stored:X8} stored, 0x{computed:X8} computed over bytes 0 … {trailer - 1}");
        }

        var files = new SnapshotFileEntry[header.FileCount];
        var names = new HashSet<string>(StringComparer.Ordinal);
        int position = SnapshotFormat.HeaderLength;
        long data = 0;
        for (int i = 0; i < files.Length; i++)
        {
            int entry = position;
            if (trailer - position < SnapshotFormat.EntryFixedLength)
            {
                throw Corrupt(source, entry, $"file entry {i} at offset {entry} runs past the end of the entries");
            }

            int nameLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes[position..]);
            position += 2;
            if (nameLength is 0 or > SnapshotFormat.MaxNameLength || trailer - position < nameLength + 12)
            {
                throw Corrupt(source, entry, $"file entry {i} at offset {entry} has an impossible name length {nameLength}");
            }

            string name;
            try
            {
                name = StrictUtf8.GetString(bytes.Slice(position, nameLength));
            }
            catch (DecoderFallbackException e)
            {
                throw new SnapshotCorruptException($"{source}: the name of file entry {i} at offset {entry} is not valid UTF-8", e);
            }

            position += nameLength;
            if (SnapshotFileName.Problem(name) is string problem)
            {
                throw Corrupt(source, entry, $"file entry {i} at offset {entry}: {problem}");
            }

            if (!names.Add(name))
            {
                throw Corrupt(source, entry, $"file entry {i} at offset {entry} repeats the name '{name}'");
            }

            ulong fileLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes[position..]);
            if (fileLength > (ulong)(header.DataLength - data))
            {
                throw Corrupt(source, position, $"file '{name}' (entry {i}) has length {fileLength}, more than the header's data length leaves");
            }

            data += (long)fileLength;
            files[i] = new SnapshotFileEntry(name, (long)fileLength, BinaryPrimitives.ReadUInt32LittleEndian(bytes[(position + 8)..]));
            position += 12;
        }

        if (position != trailer)
        {
            throw Corrupt(source, position, $"the file entries end at offset {position} but the checksum is at {trailer}");
        }

        if (data != header.DataLength)
        {
            throw Corrupt(source, 36, $"the files hold {data} bytes but the header says {header.DataLength}");
        }

        return new SnapshotManifest(header.Index, header.Term, files, bytes.ToArray());
    }

    private static SnapshotCorruptException Corrupt(string source, long offset, string message) =>
        new($"{source}: {message} (offset {offset})", source, offset);
}
