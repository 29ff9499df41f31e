namespace Vectron.Storage.Files;

/// <summary>
/// Every file and directory operation the storage layer performs. <see cref="PhysicalFileSystem"/> is the real one;
/// <see cref="SimulatedFileSystem"/> keeps files in memory, loses what was not synced when told to crash, and
/// injects I/O errors, torn writes and bit flips for tests.
/// </summary>
/// <remarks>Durability contract: a file's contents are durable after <see cref="IStorageFile.Sync"/>; a file's
/// existence, deletion or new name is durable only after <see cref="SyncDirectory"/> on its parent directory.</remarks>
public interface IFileSystem
{
    /// <summary>Opens or creates a file for reading and writing (or reading only, with <see cref="FileOpenMode.ReadOnly"/>).</summary>
    /// <exception cref="FileNotFoundException">The mode requires the file to exist and it does not.</exception>
    /// <exception cref="IOException">The file exists and the mode is <see cref="FileOpenMode.CreateNew"/>, or the system failed.</exception>
    IStorageFile OpenFile(string path, FileOpenMode mode);

    /// <summary>Whether a regular file exists at <paramref name="path"/>.</summary>
    bool FileExists(string path);

    /// <summary>Whether a directory exists at <paramref name="path"/>.</summary>
    bool DirectoryExists(string path);

    /// <summary>Creates a directory and any missing parents (not durable until the parent is synced).</summary>
    void CreateDirectory(string path);

    /// <summary>The names (not paths) of the regular files in <paramref name="directory"/>, in ordinal order.</summary>
    IReadOnlyList<string> ListFiles(string directory);

    /// <summary>The names (not paths) of the subdirectories of <paramref name="directory"/>, in ordinal order.</summary>
    IReadOnlyList<string> ListDirectories(string directory);

    /// <summary>Deletes a file if it exists.</summary>
    void DeleteFile(string path);

    /// <summary>Deletes a directory and everything in it, if it exists.</summary>
    void DeleteDirectory(string path);

    /// <summary>Renames a file (replacing any file at <paramref name="destination"/>) or a directory (the destination must not exist), atomically.</summary>
    void Rename(string source, string destination);

    /// <summary>Makes the creations, deletions and renames inside <paramref name="directory"/> durable (fsync of the directory).</summary>
    /// <exception cref="IOException">The sync failed; the caller must treat the directory's state as unknown.</exception>
    void SyncDirectory(string directory);

    /// <summary>Maps a file read-only for serving large immutable data (vectors) without copying it onto the heap.</summary>
    IMappedFile MapReadOnly(string path);
}

/// <summary>How <see cref="IFileSystem.OpenFile"/> opens a file.</summary>
public enum FileOpenMode
{
    /// <summary>Create a new file; fail if it exists.</summary>
    CreateNew,

    /// <summary>Open an existing file for reading and writing; fail if it is missing.</summary>
    OpenExisting,

    /// <summary>Open a file for reading and writing, creating it if it is missing.</summary>
    OpenOrCreate,

    /// <summary>Open an existing file for reading only.</summary>
    ReadOnly,
}
