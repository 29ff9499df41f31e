using Vectron.Checksums;
using Vectron.Storage.Files;

namespace Vectron.Storage.Snapshots;

/// <summary>
/// A read-only, seekable stream over a committed snapshot file. When the file is read from its start to its end in
/// order, the stream checks the bytes against the manifest's checksum and throws <see cref="SnapshotCorruptException"/>
/// on the read that reaches the end if they differ.
/// </summary>
/// <remarks>Not thread-safe.</remarks>
internal sealed class SnapshotFileReadStream : Stream
{
    private readonly IStorageFile _file;
    private readonly SnapshotFileEntry _entry;
    private long _position;

    // Bytes [0, _checkedUpTo) have been folded into _state; a read that starts anywhere else stops the check.
    private long _checkedUpTo;
    private uint _state = Crc32C.Start;
    private bool _checking = true;
    private bool _disposed;

    public SnapshotFileReadStream(IStorageFile file, SnapshotFileEntry entry)
    {
        _file = file;
        _entry = entry;
    }

    public override bool CanRead => !_disposed;

    public override bool CanSeek => !_disposed;

    public override bool CanWrite => false;

    public override long Length => _entry.Length;

    public override long Position
    {
        get => _position;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            _position = value;
        }
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        ValidateBufferArguments(buffer, offset, count);
        return Read(buffer.AsSpan(offset, count));
    }

    public override int Read(Span<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_position >= _entry.Length || buffer.IsEmpty)
        {
            return 0;
        }

        var target = buffer[..(int)Math.Min(buffer.Length, _entry.Length - _position)];
        int read = _file.Read(_position, target);
        if (read < target.Length)
        {
            long end = _position + read;
            throw new SnapshotCorruptException($"{_file.Path}: the file ends at offset {end}; the manifest lists {_entry.Length} bytes", _file.Path, end);
        }

        if (_checking && _position == _checkedUpTo)
        {
            _state = Crc32C.Append(_state, target);
            _checkedUpTo += read;
            if (_checkedUpTo == _entry.Length)
            {
                _checking = false;
                uint computed = Crc32C.Finish(_state);
                if (computed != _entry.Checksum)
                {
                    throw new SnapshotCorruptException(
                        $"{_file.Path}: the file is corrupt: CRC32C 0x{computed:X8} computed over its {_entry.Length} bytes, 0x{_entry.Checksum:X8} in the manifest", _file.Path, null);
                }
            }
        }
        else
        {
            _checking = false;
        }

        _position += read;
        return read;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(Read(buffer.Span));
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        ValidateBufferArguments(buffer, offset, count);
        return ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        long target = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            SeekOrigin.End => _entry.Length + offset,
            _ => throw new ArgumentOutOfRangeException(nameof(origin), origin, "unknown seek origin"),
        };
        Position = target;
        return target;
    }

    public override void Flush()
    {
    }

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("snapshot files are read-only");

    public override void SetLength(long value) => throw new NotSupportedException("snapshot files are read-only");

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            _disposed = true;
            _file.Dispose();
        }

        base.Dispose(disposing);
    }
}
