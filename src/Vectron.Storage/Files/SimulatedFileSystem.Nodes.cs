namespace Vectron.Storage.Files;

public sealed partial class SimulatedFileSystem
{
    private abstract class Node;

    private sealed class DirectoryNode : Node
    {
        public Dictionary<string, Node> Entries { get; set; } = new(StringComparer.Ordinal);

        public Dictionary<string, Node> Durable { get; set; } = new(StringComparer.Ordinal);
    }

    // A file's current bytes, its durable bytes, and the writes between them in order.
    private sealed class FileNode : Node
    {
        private readonly List<(long Offset, byte[]? Bytes, long NewLength)> _unsynced = [];

        public byte[] Data { get; private set; } = [];

        public long Length { get; private set; }

        public byte[] Durable { get; private set; } = [];

        public long DurableLength { get; private set; }

        public void Write(long offset, ReadOnlySpan<byte> bytes)
        {
            Apply(Data, Length, offset, bytes, out var data, out long length);
            Data = data;
            Length = length;
            _unsynced.Add((offset, bytes.ToArray(), -1));
        }

        public void SetLength(long length)
        {
            Resize(Data, Length, length, out var data);
            Data = data;
            Length = length;
            _unsynced.Add((0, null, length));
        }

        public void MakeDurable()
        {
            Durable = Data.AsSpan(0, (int)Length).ToArray();
            DurableLength = Length;
            _unsynced.Clear();
        }

        // Power loss: start from the durable image and replay the unsynced changes, each 512-byte sector on its own
        // (disks write sectors atomically, but not a write's sectors in order). A sector reaches the disk as the page
        // cache held it at some moment, so of the writes that touched it a prefix survives: a later write's bytes
        // never without an earlier one's in the same sector (a batch written as several buffers included).
        public void RecoverAfterCrash(Random random)
        {
            const int Sector = 512;
            var writes = new Dictionary<long, int>();
            foreach (var (offset, bytes, _) in _unsynced)
            {
                if (bytes is not null)
                {
                    for (long sector = offset / Sector; sector * Sector < offset + bytes.Length; sector++)
                    {
                        writes[sector] = writes.GetValueOrDefault(sector) + 1;
                    }
                }
            }

            var survive = new Dictionary<long, int>();
            foreach (var (sector, count) in writes)
            {
                survive[sector] = random.Next(count + 1);
            }

            byte[] data = Durable.ToArray();
            long length = DurableLength;
            foreach (var (offset, bytes, newLength) in _unsynced)
            {
                if (bytes is null)
                {
                    if (random.Next(2) == 0)
                    {
                        Resize(data, length, newLength, out data);
                        length = newLength;
                    }

                    continue;
                }

                long position = offset;
                long end = offset + bytes.Length;
                while (position < end)
                {
                    long sector = position / Sector;
                    long pieceEnd = Math.Min(end, (sector + 1) * Sector);
                    if (survive[sector]-- > 0)
                    {
                        Apply(data, length, position, bytes.AsSpan((int)(position - offset), (int)(pieceEnd - position)), out data, out length);
                    }

                    position = pieceEnd;
                }
            }

            Data = data;
            Length = length;
            Durable = data.AsSpan(0, (int)length).ToArray();
            DurableLength = length;
            _unsynced.Clear();
        }

        private static void Apply(byte[] data, long length, long offset, ReadOnlySpan<byte> bytes, out byte[] result, out long resultLength)
        {
            long end = offset + bytes.Length;
            resultLength = Math.Max(length, end);
            Resize(data, length, resultLength, out result);
            bytes.CopyTo(result.AsSpan((int)offset));
        }

        private static void Resize(byte[] data, long length, long newLength, out byte[] result)
        {
            if (newLength > data.Length)
            {
                result = new byte[Math.Max(newLength, Math.Min((long)data.Length * 2, int.MaxValue))];
                data.AsSpan(0, (int)length).CopyTo(result);
                return;
            }

            if (newLength < length)
            {
                data.AsSpan((int)newLength, (int)(length - newLength)).Clear();
            }

            result = data;
        }
    }

    private sealed class SimulatedFile(SimulatedFileSystem fileSystem, FileNode node, string path, bool readOnly, int epoch) : IStorageFile
    {
        private bool _disposed;

        public string Path { get; } = path;

        public long Length => fileSystem.FileLength(node);

        public int Read(long offset, Span<byte> buffer)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return fileSystem.ReadFile(node, Path, epoch, offset, buffer);
        }

        public void Write(long offset, ReadOnlySpan<byte> data)
        {
            CheckWritable();
            fileSystem.WriteFile(node, Path, epoch, offset, data);
        }

        public void Write(long offset, IReadOnlyList<ReadOnlyMemory<byte>> buffers)
        {
            CheckWritable();
            foreach (var buffer in buffers)
            {
                fileSystem.WriteFile(node, Path, epoch, offset, buffer.Span);
                offset += buffer.Length;
            }
        }

        public void Sync()
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            fileSystem.SyncFile(node, Path, epoch);
        }

        public void SetLength(long length)
        {
            CheckWritable();
            fileSystem.SetFileLength(node, Path, epoch, length, onlyGrow: false);
        }

        public void Allocate(long length)
        {
            CheckWritable();
            fileSystem.SetFileLength(node, Path, epoch, length, onlyGrow: true);
        }

        public void Dispose() => _disposed = true;

        private void CheckWritable()
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (readOnly)
            {
                throw new UnauthorizedAccessException($"'{Path}' was opened read-only");
            }
        }
    }

    private sealed class SimulatedMapping(byte[] bytes) : IMappedFile
    {
        public long Length => bytes.Length;

        public ReadOnlySpan<byte> GetSpan(long offset, int length) => bytes.AsSpan(checked((int)offset), length);

        public void Dispose()
        {
        }
    }
}
