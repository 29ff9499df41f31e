using System.Buffers;
using Vectron.Checksums;
using Vectron.Storage.Files;

namespace Vectron.Storage.Snapshots;

/// <summary>Whole-file operations the snapshot code shares: read a small file, checksum a large one, write and sync one.</summary>
internal static class SnapshotFiles
{
    private const int BlockSize = 1 << 20;

    /// <summary>The contents of a file of at most <paramref name="limit"/> bytes, or null when it is longer.</summary>
    public static byte[]? ReadAll(IFileSystem fileSystem, string path, int limit)
    {
        using var file = fileSystem.OpenFile(path, FileOpenMode.ReadOnly);
        long length = file.Length;
        if (length > limit)
        {
            return null;
        }

        var bytes = new byte[length];
        int read = file.Read(0, bytes);
        return read == bytes.Length ? bytes : bytes[..read];
    }

    /// <summary>Reads a whole file, returning its length and CRC-32C.</summary>
    public static (long Length, uint Checksum) Checksum(IFileSystem fileSystem, string path)
    {
        using var file = fileSystem.OpenFile(path, FileOpenMode.ReadOnly);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(BlockSize);
        try
        {
            uint state = Crc32C.Start;
            long offset = 0;
            while (true)
            {
                int read = file.Read(offset, buffer.AsSpan(0, BlockSize));
                if (read == 0)
                {
                    return (offset, Crc32C.Finish(state));
                }

                state = Crc32C.Append(state, buffer.AsSpan(0, read));
                offset += read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Checks a committed or received file against its manifest entry: its length, then its checksum.</summary>
    /// <exception cref="SnapshotCorruptException">The file is missing, or its length or checksum differs.</exception>
    public static void Verify(IFileSystem fileSystem, string directory, SnapshotFileEntry entry)
    {
        string path = Path.Join(directory, entry.Name);
        if (!fileSystem.FileExists(path))
        {
            throw new SnapshotCorruptException($"{path}: the file is missing; the manifest lists it with {entry.Length} bytes", path, null);
        }

        var (length, checksum) = Checksum(fileSystem, path);
        if (length != entry.Length)
        {
            throw new SnapshotCorruptException(
                $"{path}: the file has {length} bytes; the manifest lists {entry.Length} (offset {Math.Min(length, entry.Length)})", path, Math.Min(length, entry.Length));
        }

        if (checksum != entry.Checksum)
        {
            throw new SnapshotCorruptException(
                $"{path}: the file is corrupt: CRC32C 0x{checksum:X8} computed over its {length} bytes, 0x{entry.Checksum:X8} in the manifest", path, null);
        }
    }

    /// <summary>Creates a file holding <paramref name="contents"/> and syncs it (its name is durable only once the caller syncs the directory).</summary>
    public static void WriteNewAndSync(IFileSystem fileSystem, string path, ReadOnlySpan<byte> contents)
    {
        using var file = fileSystem.OpenFile(path, FileOpenMode.CreateNew);
        if (!contents.IsEmpty)
        {
            file.Write(0, contents);
        }

        file.Sync();
    }
}
