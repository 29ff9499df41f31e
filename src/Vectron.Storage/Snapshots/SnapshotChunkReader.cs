using Vectron.Checksums;
using Vectron.Storage.Files;

namespace Vectron.Storage.Snapshots;

/// <summary>
/// Cuts a committed snapshot's stream (its manifest, then its files in manifest order) into chunks. A file streamed from
/// its first byte is checked against its manifest checksum before the chunk holding its last byte is produced, so a
/// sender does not knowingly finish sending a corrupt file.
/// </summary>
internal static class SnapshotChunkReader
{
    public static IEnumerable<SnapshotChunk> Read(IFileSystem fileSystem, SnapshotInfo snapshot, long fromOffset, int chunkSize)
    {
        long total = snapshot.Manifest.StreamLength;
        if (fromOffset < 0 || fromOffset > total)
        {
            throw new ArgumentOutOfRangeException(nameof(fromOffset), fromOffset, $"the offset must lie in the stream of {snapshot}, 0 … {total}");
        }

        return ReadCore(fileSystem, snapshot, fromOffset, chunkSize);
    }

    private static IEnumerable<SnapshotChunk> ReadCore(IFileSystem fileSystem, SnapshotInfo snapshot, long fromOffset, int chunkSize)
    {
        var manifest = snapshot.Manifest;
        byte[] manifestBytes = manifest.Encoded;
        long total = manifest.StreamLength;
        var files = manifest.Files;

        int fileIndex = 0;
        long fileStart = manifestBytes.Length;
        IStorageFile? file = null;
        uint state = Crc32C.Start;
        bool checking = false;
        long position = fromOffset;
        try
        {
            while (position < total)
            {
                var buffer = new byte[(int)Math.Min(chunkSize, total - position)];
                int filled = 0;
                while (filled < buffer.Length)
                {
                    long at = position + filled;
                    if (at < manifestBytes.Length)
                    {
                        int count = (int)Math.Min(buffer.Length - filled, manifestBytes.Length - at);
                        manifestBytes.AsSpan((int)at, count).CopyTo(buffer.AsSpan(filled));
                        filled += count;
                        continue;
                    }

                    // Skip to the file holding the byte at `at` (empty files hold none).
                    while (at >= fileStart + files[fileIndex].Length)
                    {
                        fileStart += files[fileIndex].Length;
                        fileIndex++;
                    }

                    var entry = files[fileIndex];
                    long inFile = at - fileStart;
                    if (file is null)
                    {
                        file = fileSystem.OpenFile(Path.Join(snapshot.DirectoryPath, entry.Name), FileOpenMode.ReadOnly);
                        if (file.Length != entry.Length)
                        {
                            throw new SnapshotCorruptException($"{file.Path}: the file has {file.Length} bytes; the manifest lists {entry.Length}", file.Path, Math.Min(file.Length, entry.Length));
                        }

                        checking = inFile == 0;
                        state = Crc32C.Start;
                    }

                    var target = buffer.AsSpan(filled, (int)Math.Min(buffer.Length - filled, entry.Length - inFile));
                    int read = file.Read(inFile, target);
                    if (read != target.Length)
                    {
                        throw new SnapshotCorruptException($"{file.Path}: the file ends at offset {inFile + read}; the manifest lists {entry.Length} bytes", file.Path, inFile + read);
                    }

                    if (checking)
                    {
                        state = Crc32C.Append(state, target);
                    }

                    filled += read;
                    if (inFile + read == entry.Length)
                    {
                        if (checking && Crc32C.Finish(state) != entry.Checksum)
                        {
                            throw new SnapshotCorruptException(
                                $"{file.Path}: the file is corrupt: CRC32C 0x{Crc32C.Finish(state):X8} computed over its {entry.Length} bytes, 0x{entry.Checksum:X8} in the manifest", file.Path, null);
                        }

                        file.Dispose();
                        file = null;
                    }
                }

                long offset = position;
                position += buffer.Length;
                yield return new SnapshotChunk(offset, buffer, Crc32C.Compute(buffer), position == total);
            }
        }
        finally
        {
            file?.Dispose();
        }
    }
}
