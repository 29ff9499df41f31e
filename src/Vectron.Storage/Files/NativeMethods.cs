using System.Runtime.InteropServices;

namespace Vectron.Storage.Files;

/// <summary>
/// The few libc calls the framework does not expose with a checked result. <c>FileStream.Flush(true)</c> and
/// <c>RandomAccess.FlushToDisk</c> return normally when fsync fails with EIO (seen on .NET 10.0.12), so durability
/// is never left to them.
/// </summary>
internal static partial class NativeMethods
{
    private const string LibC = "libc";

    [LibraryImport(LibC, SetLastError = true)]
    internal static partial int fdatasync(int fd);

    [LibraryImport(LibC, SetLastError = true)]
    internal static partial int fsync(int fd);

    // posix_fallocate returns the error number instead of setting errno.
    [LibraryImport(LibC)]
    internal static partial int posix_fallocate(int fd, long offset, long length);

    [LibraryImport(LibC, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int open(string path, int flags);

    [LibraryImport(LibC, SetLastError = true)]
    internal static partial int close(int fd);

    internal const int OpenReadOnly = 0;

    internal const int EIntr = 4;
    internal const int EOpNotSupp = 95;
    internal const int EInval = 22;
}
