using System.IO.MemoryMappedFiles;

namespace Vectron.Storage.Files;

/// <summary>A whole file mapped read-only.</summary>
internal sealed unsafe class PhysicalMappedFile : IMappedFile
{
    private readonly MemoryMappedFile? _file;
    private readonly MemoryMappedViewAccessor? _view;
    private readonly byte* _pointer;
    private bool _disposed;

    private PhysicalMappedFile(MemoryMappedFile? file, MemoryMappedViewAccessor? view, byte* pointer, long length)
    {
        _file = file;
        _view = view;
        _pointer = pointer;
        Length = length;
    }

    public long Length { get; }

    public static PhysicalMappedFile Open(string path)
    {
        long length = new FileInfo(path).Length;
        if (length == 0)
        {
            // An empty file cannot be mapped; it has nothing to serve anyway.
            return new PhysicalMappedFile(null, null, null, 0);
        }

        var file = MemoryMappedFile.CreateFromFile(path, FileMode.Open, mapName: null, 0, MemoryMappedFileAccess.Read);
        try
        {
            var view = file.CreateViewAccessor(0, length, MemoryMappedFileAccess.Read);
            byte* pointer = null;
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
            return new PhysicalMappedFile(file, view, pointer + view.PointerOffset, length);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    public ReadOnlySpan<byte> GetSpan(long offset, int length)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (offset + length > Length)
        {
            throw new ArgumentOutOfRangeException(nameof(length), $"[{offset}, {offset + length}) lies beyond the mapped file's {Length} bytes");
        }

        // Safe: the range was checked against the mapping, which stays alive until Dispose.
        return new ReadOnlySpan<byte>(_pointer + offset, length);
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (_view is not null)
        {
            _view.SafeMemoryMappedViewHandle.ReleasePointer();
            _view.Dispose();
        }

        _file?.Dispose();
    }
}
