using Vectron.Checksums;
using Vectron.Storage.Files;

namespace Vectron.Storage.Snapshots;

/// <summary>
/// A write-only stream into a new snapshot file that counts and checksums the bytes as they pass. Writes are buffered;
/// disposing flushes them (without syncing: <see cref="SnapshotWriter.Commit"/> syncs every file).
/// </summary>
/// <remarks>Not thread-safe. The file handle belongs to the <see cref="SnapshotWriter"/>, which closes it.</remarks>
internal sealed class SnapshotFileWriteStream : Stream
{
    private const int BufferSize = 64 << 10;

    private readonly byte[] _buffer = new byte[BufferSize];
    private int _buffered;
    private long _flushed;
    private uint _state = Crc32C.Start;

    public SnapshotFileWriteStream(string name, IStorageFile file)
    {
        Name = name;
        File = file;
    }

    public string Name { get; }

    public IStorageFile File { get; }

    /// <summary>Whether the stream was disposed (so its length and checksum are final).</summary>
    public bool IsClosed { get; private set; }

    /// <summary>Whether a write to the file failed, leaving its contents unknown.</summary>
    public bool Faulted { get; private set; }

    public long WrittenLength => _flushed + _buffered;

    public uint Checksum => Crc32C.Finish(_state);

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => !IsClosed;

    public override long Length => throw new NotSupportedException("a snapshot file stream cannot seek");

    public override long Position
    {
        get => WrittenLength;
        set => throw new NotSupportedException("a snapshot file stream cannot seek");
    }

    public override void Write(byte[] buffer, int offset, int count)
    {
        ValidateBufferArguments(buffer, offset, count);
        Write(buffer.AsSpan(offset, count));
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(IsClosed, this);
        if (Faulted)
        {
            throw new InvalidOperationException($"an earlier write to the snapshot file '{Name}' failed");
        }

        _state = Crc32C.Append(_state, buffer);
        if (_buffered + buffer.Length <= _buffer.Length)
        {
            buffer.CopyTo(_buffer.AsSpan(_buffered));
            _buffered += buffer.Length;
            return;
        }

        FlushBuffer();
        if (buffer.Length >= _buffer.Length)
        {
            WriteThrough(buffer);
        }
        else
        {
            buffer.CopyTo(_buffer);
            _buffered = buffer.Length;
        }
    }

    public override void WriteByte(byte value) => Write([value]);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        ValidateBufferArguments(buffer, offset, count);
        return WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }

    // The file layer is synchronous: an async write is a synchronous one that completes at once.
    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override void Flush()
    {
        ObjectDisposedException.ThrowIf(IsClosed, this);
        FlushBuffer();
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("a snapshot file stream is write-only");

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException("a snapshot file stream cannot seek");

    public override void SetLength(long value) => throw new NotSupportedException("a snapshot file stream cannot seek");

    protected override void Dispose(bool disposing)
    {
        if (disposing && !IsClosed)
        {
            try
            {
                FlushBuffer();
            }
            finally
            {
                IsClosed = true;
            }
        }

        base.Dispose(disposing);
    }

    private void FlushBuffer()
    {
        if (_buffered == 0 || Faulted)
        {
            return;
        }

        WriteThrough(_buffer.AsSpan(0, _buffered));
        _buffered = 0;
    }

    private void WriteThrough(ReadOnlySpan<byte> bytes)
    {
        try
        {
            File.Write(_flushed, bytes);
        }
        catch
        {
            Faulted = true;
            throw;
        }

        _flushed += bytes.Length;
    }
}
