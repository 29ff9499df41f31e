namespace Vectron.Storage.Files;

/// <summary>An open file addressed by offset (positional reads and writes, no shared cursor).</summary>
/// <remarks>Thread-safety: reads may run concurrently with each other and with writes to other ranges;
/// the log engine never writes one file from two threads at once.</remarks>
public interface IStorageFile : IDisposable
{
    /// <summary>The path the file was opened with.</summary>
    string Path { get; }

    /// <summary>The current length in bytes.</summary>
    long Length { get; }

    /// <summary>Reads up to <c>buffer.Length</c> bytes at <paramref name="offset"/>; returns fewer only at the end of the file.</summary>
    int Read(long offset, Span<byte> buffer);

    /// <summary>Writes all of <paramref name="data"/> at <paramref name="offset"/>, extending the file if needed.</summary>
    /// <exception cref="IOException">The write failed (EIO, disk full); the file's contents in that range are unknown.</exception>
    void Write(long offset, ReadOnlySpan<byte> data);

    /// <summary>Writes the buffers back to back starting at <paramref name="offset"/> (one gathered write where the system has one).</summary>
    /// <exception cref="IOException">The write failed; the file's contents in that range are unknown.</exception>
    void Write(long offset, IReadOnlyList<ReadOnlyMemory<byte>> buffers);

    /// <summary>Makes every completed write durable (<c>fdatasync</c>), checking the result.</summary>
    /// <exception cref="IOException">The sync failed. The page cache can no longer be trusted: callers stop.</exception>
    void Sync();

    /// <summary>Sets the length, truncating or extending with zeros.</summary>
    void SetLength(long length);

    /// <summary>Reserves disk space for the first <paramref name="length"/> bytes so later writes cannot fail for lack of space
    /// and need not grow the file (extending with zeros where the space was not allocated).</summary>
    void Allocate(long length);
}

/// <summary>A read-only view of a whole file, memory-mapped where the file system supports it.</summary>
public interface IMappedFile : IDisposable
{
    /// <summary>The file's length in bytes.</summary>
    long Length { get; }

    /// <summary>The bytes in <c>[offset, offset + length)</c>; valid until this mapping is disposed.</summary>
    ReadOnlySpan<byte> GetSpan(long offset, int length);
}
