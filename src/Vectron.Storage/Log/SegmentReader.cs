using Vectron.Storage.Files;

namespace Vectron.Storage.Log;

/// <summary>Sequential windowed reads of a segment for recovery: large reads, and the current batch kept in the window.</summary>
internal sealed class SegmentReader
{
    private readonly IStorageFile _file;
    private byte[] _buffer;
    private long _windowStart;
    private int _windowLength;

    public SegmentReader(IStorageFile file, byte[] buffer)
    {
        _file = file;
        _buffer = buffer;
        FileLength = file.Length;
    }

    public long FileLength { get; }

    /// <summary>The buffer, possibly grown, for reuse by the next segment.</summary>
    public byte[] Buffer => _buffer;

    /// <summary>Makes <c>[offset, offset + count)</c> readable while keeping everything from <paramref name="keepFrom"/>; false past the end of the file.</summary>
    public bool Ensure(long keepFrom, long offset, int count)
    {
        long end = offset + count;
        if (end > FileLength)
        {
            return false;
        }

        if (keepFrom >= _windowStart && end <= _windowStart + _windowLength)
        {
            return true;
        }

        long needed = end - keepFrom;
        if (needed > _buffer.Length)
        {
            var grown = new byte[Math.Max(needed, Math.Min((long)_buffer.Length * 2, Array.MaxLength))];
            _buffer.AsSpan(0, _windowLength).CopyTo(grown);
            _buffer = grown;
        }

        // Keep the bytes of [keepFrom, window end) that are already here; read the rest.
        int retained = 0;
        if (keepFrom >= _windowStart && keepFrom < _windowStart + _windowLength)
        {
            retained = (int)(_windowStart + _windowLength - keepFrom);
            _buffer.AsSpan((int)(keepFrom - _windowStart), retained).CopyTo(_buffer);
        }

        _windowStart = keepFrom;
        int want = (int)Math.Min(_buffer.Length, FileLength - keepFrom);
        int read = retained + _file.Read(keepFrom + retained, _buffer.AsSpan(retained, want - retained));
        _windowLength = read;
        return end <= _windowStart + _windowLength;
    }

    /// <summary>Bytes already made readable by <see cref="Ensure"/>.</summary>
    public ReadOnlySpan<byte> Span(long offset, int count) => _buffer.AsSpan((int)(offset - _windowStart), count);
}
