using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Vectron.Storage.Files;

/// <summary>A file of the operating system, read and written by offset, synced with a checked <c>fdatasync</c>.</summary>
internal sealed class PhysicalFile : IStorageFile
{
    private readonly SafeFileHandle _handle;

    private PhysicalFile(string path, SafeFileHandle handle)
    {
        Path = path;
        _handle = handle;
    }

    public string Path { get; }

    public long Length => RandomAccess.GetLength(_handle);

    public static PhysicalFile Open(string path, FileOpenMode mode)
    {
        var (fileMode, access) = mode switch
        {
            FileOpenMode.CreateNew => (FileMode.CreateNew, FileAccess.ReadWrite),
            FileOpenMode.OpenExisting => (FileMode.Open, FileAccess.ReadWrite),
            FileOpenMode.OpenOrCreate => (FileMode.OpenOrCreate, FileAccess.ReadWrite),
            FileOpenMode.ReadOnly => (FileMode.Open, FileAccess.Read),
            _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "unknown open mode"),
        };
        var share = access == FileAccess.Read ? FileShare.ReadWrite | FileShare.Delete : FileShare.Read | FileShare.Delete;
        return new PhysicalFile(path, File.OpenHandle(path, fileMode, access, share));
    }

    public int Read(long offset, Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int read = RandomAccess.Read(_handle, buffer[total..], offset + total);
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        return total;
    }

    public void Write(long offset, ReadOnlySpan<byte> data) => RandomAccess.Write(_handle, data, offset);

    public void Write(long offset, IReadOnlyList<ReadOnlyMemory<byte>> buffers) => RandomAccess.Write(_handle, buffers, offset);

    public void Sync()
    {
        int fd = Descriptor();
        int result;
        do
        {
            result = NativeMethods.fdatasync(fd);
        }
        while (result != 0 && Marshal.GetLastPInvokeError() == NativeMethods.EIntr);

        if (result != 0)
        {
            throw PhysicalFileSystem.Failure("fdatasync", Path, Marshal.GetLastPInvokeError());
        }
    }

    public void SetLength(long length) => RandomAccess.SetLength(_handle, length);

    public void Allocate(long length)
    {
        int error = NativeMethods.posix_fallocate(Descriptor(), 0, length);
        if (error == NativeMethods.EOpNotSupp || error == NativeMethods.EInval)
        {
            // File systems without fallocate (tmpfs on old kernels, some network mounts): extend with zeros instead.
            if (Length < length)
            {
                RandomAccess.SetLength(_handle, length);
            }

            return;
        }

        if (error != 0)
        {
            throw PhysicalFileSystem.Failure("allocate space for", Path, error);
        }
    }

    public void Dispose() => _handle.Dispose();

    // On Unix a SafeFileHandle wraps the file descriptor itself; the handle stays referenced for the call's duration.
    private int Descriptor() => checked((int)_handle.DangerousGetHandle());
}
