using Vectron.Storage.Files;

namespace Vectron.Storage.Snapshots;

/// <summary>Reads the files of a committed snapshot: as streams that check their checksum when read through, or memory-mapped.</summary>
/// <remarks>Thread-safe (it holds no open handles; each stream and mapping is the caller's to dispose).</remarks>
public sealed class SnapshotReader
{
    private readonly IFileSystem _fileSystem;

    internal SnapshotReader(IFileSystem fileSystem, SnapshotInfo snapshot)
    {
        _fileSystem = fileSystem;
        Snapshot = snapshot;
    }

    /// <summary>The snapshot read.</summary>
    public SnapshotInfo Snapshot { get; }

    /// <summary>
    /// Opens a file of the snapshot as a read-only, seekable stream. Read from start to end in order, the stream checks
    /// the bytes against the manifest's checksum and throws <see cref="SnapshotCorruptException"/> from the read that
    /// reaches the end if they differ; seeking elsewhere turns the check off (use <see cref="SnapshotStore.Verify"/>).
    /// </summary>
    /// <exception cref="ArgumentException">The snapshot has no file of that name.</exception>
    /// <exception cref="SnapshotCorruptException">The file's length differs from the manifest's.</exception>
    public Stream OpenFile(string name)
    {
        var entry = Find(name);
        var file = _fileSystem.OpenFile(Path.Join(Snapshot.DirectoryPath, name), FileOpenMode.ReadOnly);
        try
        {
            CheckLength(file.Path, file.Length, entry);
            return new SnapshotFileReadStream(file, entry);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>Maps a file of the snapshot read-only, for serving large immutable data (vectors) without copying it onto the heap.</summary>
    /// <remarks>The mapping does not check the checksum (that would read every page); <see cref="SnapshotStore.Verify"/> does.</remarks>
    /// <exception cref="ArgumentException">The snapshot has no file of that name.</exception>
    /// <exception cref="SnapshotCorruptException">The file's length differs from the manifest's.</exception>
    public IMappedFile MapFile(string name)
    {
        var entry = Find(name);
        string path = Path.Join(Snapshot.DirectoryPath, name);
        var mapping = _fileSystem.MapReadOnly(path);
        try
        {
            CheckLength(path, mapping.Length, entry);
            return mapping;
        }
        catch
        {
            mapping.Dispose();
            throw;
        }
    }

    private SnapshotFileEntry Find(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Snapshot.Manifest.TryGetFile(name, out var entry)
            ? entry
            : throw new ArgumentException($"{Snapshot} has no file named '{name}'", nameof(name));
    }

    private static void CheckLength(string path, long length, SnapshotFileEntry entry)
    {
        if (length != entry.Length)
        {
            throw new SnapshotCorruptException(
                $"{path}: the file has {length} bytes; the manifest lists {entry.Length} (offset {Math.Min(length, entry.Length)})", path, Math.Min(length, entry.Length));
        }
    }
}
