using System.Runtime.InteropServices;

namespace Vectron.Storage.Files;

/// <summary>The operating system's file system, with syncs that check their result.</summary>
/// <remarks>Thread-safe. Linux and other Unix systems only: durability needs <c>fdatasync</c> and directory fsync.</remarks>
public sealed class PhysicalFileSystem : IFileSystem
{
    /// <summary>The shared instance.</summary>
    public static PhysicalFileSystem Instance { get; } = new();

    private PhysicalFileSystem()
    {
    }

    /// <inheritdoc />
    public IStorageFile OpenFile(string path, FileOpenMode mode) => PhysicalFile.Open(path, mode);

    /// <inheritdoc />
    public bool FileExists(string path) => File.Exists(path);

    /// <inheritdoc />
    public bool DirectoryExists(string path) => Directory.Exists(path);

    /// <inheritdoc />
    public void CreateDirectory(string path) => Directory.CreateDirectory(path);

    /// <inheritdoc />
    public IReadOnlyList<string> ListFiles(string directory)
    {
        var names = Directory.GetFiles(directory).Select(Path.GetFileName).OfType<string>().ToList();
        names.Sort(StringComparer.Ordinal);
        return names;
    }

    /// <inheritdoc />
    public IReadOnlyList<string> ListDirectories(string directory)
    {
        var names = Directory.GetDirectories(directory).Select(Path.GetFileName).OfType<string>().ToList();
        names.Sort(StringComparer.Ordinal);
        return names;
    }

    /// <inheritdoc />
    public void DeleteFile(string path) => File.Delete(path);

    /// <inheritdoc />
    public void DeleteDirectory(string path)
    {
        if (Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
        }
    }

    /// <inheritdoc />
    public void Rename(string source, string destination)
    {
        if (Directory.Exists(source))
        {
            Directory.Move(source, destination);
        }
        else
        {
            File.Move(source, destination, overwrite: true);
        }
    }

    /// <inheritdoc />
    public void SyncDirectory(string directory)
    {
        int fd = NativeMethods.open(directory, NativeMethods.OpenReadOnly);
        if (fd < 0)
        {
            throw Failure("open the directory", directory, Marshal.GetLastPInvokeError());
        }

        try
        {
            int result;
            do
            {
                result = NativeMethods.fsync(fd);
            }
            while (result != 0 && Marshal.GetLastPInvokeError() == NativeMethods.EIntr);

            if (result != 0)
            {
                throw Failure("fsync the directory", directory, Marshal.GetLastPInvokeError());
            }
        }
        finally
        {
            _ = NativeMethods.close(fd);
        }
    }

    /// <inheritdoc />
    public IMappedFile MapReadOnly(string path) => PhysicalMappedFile.Open(path);

    internal static IOException Failure(string action, string path, int errno) =>
        new($"could not {action} '{path}': {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})", errno);
}
