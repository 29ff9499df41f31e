using Vectron.Storage.Files;

namespace Vectron.Storage.Log;

/// <summary>Sequential windowed reads of a segment for recovery: one read fills the window, which moves forward as frames are consumed.</summary>
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

    /// <summary>Makes <c>[offset, offset + count)</c> readable (offsets never go back); false past the end of the file.</summary>
    public bool Ensure(long offset, int count)
    {
        long end = offset + count;
        if (end > FileLength)
        {
            return false;
        }

        if (offset >= _windowStart && end <= _windowStart + _windowLength)
        {
            return true;
        }

        if (count > _buffer.Length)
        {
            var grown = new byte[Math.Max(count, Math.Min((long)_buffer.Length * 2, Array.MaxLength))];
            _buffer.AsSpan(0, _windowLength).CopyTo(grown);
            _buffer = grown;
        }

        // Keep the bytes of [offset, window end) that are already here; read the rest.
        int retained = 0;
        if (offset >= _windowStart && offset < _windowStart + _windowLength)
        {
            retained = (int)(_windowStart + _windowLength - offset);
            _buffer.AsSpan((int)(offset - _windowStart), retained).CopyTo(_buffer);
        }

        _windowStart = offset;
        int want = (int)Math.Min(_buffer.Length, FileLength - offset);
        _windowLength = retained + _file.Read(offset + retained, _buffer.AsSpan(retained, want - retained));
        return end <= _windowStart + _windowLength;
    }

    /// <summary>Bytes already made readable by <see cref="Ensure"/>.</summary>
    public ReadOnlySpan<byte> Span(long offset, int count) => _buffer.AsSpan((int)(offset - _windowStart), count);
}
