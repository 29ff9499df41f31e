namespace Vectron.Storage.Files;

/// <summary>
/// An in-memory file system that behaves like a disk under a page cache: writes are volatile until the file is synced,
/// names are volatile until their directory is synced, and <see cref="Crash"/> throws away what was not made durable
/// (each sector of an unsynced write is kept or lost at random from the seed). Tests use it to inject I/O errors,
/// bit flips, slow syncs and a crash after any chosen number of operations.
/// </summary>
/// <remarks>Thread-safe: one lock serialises every operation except the <see cref="BeforeSync"/> hook.</remarks>
public sealed partial class SimulatedFileSystem : IFileSystem
{
    private readonly Lock _lock = new();
    private readonly Random _random;
    private readonly DirectoryNode _root = new();
    private long _operations;
    private long _crashAfter = long.MaxValue;
    private bool _halted;
    private int _epoch;

    /// <summary>Creates an empty file system whose crash outcomes follow <paramref name="seed"/>.</summary>
    public SimulatedFileSystem(int seed)
    {
        _random = new Random(seed);
    }

    /// <summary>Chooses an error for an operation on a path: return an errno (5 = EIO, 28 = ENOSPC) to fail it, or null to let it run.</summary>
    public Func<SimulatedOperation, string, int?>? InjectError { get; set; }

    /// <summary>Runs before every file sync, outside the lock: a test can block here to make fsync slow.</summary>
    public Action<string>? BeforeSync { get; set; }

    /// <summary>Mutating operations performed so far (writes, syncs, creations, renames, deletions).</summary>
    public long OperationCount
    {
        get
        {
            lock (_lock)
            {
                return _operations;
            }
        }
    }

    /// <summary>File syncs performed so far.</summary>
    public long SyncCount { get; private set; }

    /// <summary>Whether the file system stopped at the crash point set by <see cref="CrashAfter"/>.</summary>
    public bool Halted
    {
        get
        {
            lock (_lock)
            {
                return _halted;
            }
        }
    }

    /// <summary>
    /// Lets <paramref name="operations"/> more mutating operations run; the next one throws <see cref="SimulatedCrashException"/>
    /// (a write is first torn at a random point) and every call after it fails until <see cref="Crash"/>.
    /// </summary>
    public void CrashAfter(long operations)
    {
        lock (_lock)
        {
            _crashAfter = _operations + operations;
        }
    }

    /// <summary>
    /// Simulates power loss and reboot: every directory reverts to its last synced names, every file to its last synced
    /// contents plus a random subset of the 512-byte sectors written since (sectors are atomic; their order is not).
    /// Handles opened before the crash stop working.
    /// </summary>
    public void Crash()
    {
        lock (_lock)
        {
            var seen = new HashSet<FileNode>(ReferenceEqualityComparer.Instance);
            RevertDirectory(_root, seen);
            _halted = false;
            _crashAfter = long.MaxValue;
            _epoch++;
        }
    }

    /// <summary>Flips one bit of a file's stored contents (durable and current), as media corruption would.</summary>
    public void FlipBit(string path, long offset, int bit)
    {
        lock (_lock)
        {
            var file = FindFile(path) ?? throw new FileNotFoundException($"no file '{path}'", path);
            if (offset < 0 || offset >= file.Length)
            {
                throw new ArgumentOutOfRangeException(nameof(offset), $"offset {offset} is outside the file's {file.Length} bytes");
            }

            byte mask = (byte)(1 << (bit & 7));
            file.Data[offset] ^= mask;
            if (offset < file.DurableLength)
            {
                file.Durable[offset] ^= mask;
            }
        }
    }

    /// <summary>A copy of a file's current contents (test inspection).</summary>
    public byte[] ReadAllBytes(string path)
    {
        lock (_lock)
        {
            var file = FindFile(path) ?? throw new FileNotFoundException($"no file '{path}'", path);
            return file.Data.AsSpan(0, checked((int)file.Length)).ToArray();
        }
    }

    /// <inheritdoc />
    public IStorageFile OpenFile(string path, FileOpenMode mode)
    {
        lock (_lock)
        {
            CheckLive();
            var (parent, name) = ResolveParent(path);
            parent.Entries.TryGetValue(name, out var entry);
            if (entry is DirectoryNode)
            {
                throw new UnauthorizedAccessException($"'{path}' is a directory");
            }

            var file = entry as FileNode;
            switch (mode)
            {
                case FileOpenMode.CreateNew when file is not null:
                    throw new IOException($"the file '{path}' already exists");
                case FileOpenMode.OpenExisting or FileOpenMode.ReadOnly when file is null:
                    throw new FileNotFoundException($"could not find file '{path}'", path);
            }

            if (file is null)
            {
                Mutate(SimulatedOperation.Create, path);
                file = new FileNode();
                parent.Entries[name] = file;
            }

            return new SimulatedFile(this, file, path, mode == FileOpenMode.ReadOnly, _epoch);
        }
    }

    /// <inheritdoc />
    public bool FileExists(string path)
    {
        lock (_lock)
        {
            return FindFile(path) is not null;
        }
    }

    /// <inheritdoc />
    public bool DirectoryExists(string path)
    {
        lock (_lock)
        {
            return FindDirectory(path) is not null;
        }
    }

    /// <inheritdoc />
    public void CreateDirectory(string path)
    {
        lock (_lock)
        {
            CheckLive();
            var directory = _root;
            foreach (string part in Split(path))
            {
                if (!directory.Entries.TryGetValue(part, out var entry))
                {
                    Mutate(SimulatedOperation.Create, path);
                    entry = new DirectoryNode();
                    directory.Entries[part] = entry;
                }

                directory = entry as DirectoryNode ?? throw new IOException($"'{part}' in '{path}' is a file, not a directory");
            }
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<string> ListFiles(string directory) => List(directory, wantFiles: true);

    /// <inheritdoc />
    public IReadOnlyList<string> ListDirectories(string directory) => List(directory, wantFiles: false);

    /// <inheritdoc />
    public void DeleteFile(string path)
    {
        lock (_lock)
        {
            CheckLive();
            var (parent, name) = ResolveParent(path);
            if (parent.Entries.TryGetValue(name, out var entry) && entry is FileNode)
            {
                Mutate(SimulatedOperation.Delete, path);
                parent.Entries.Remove(name);
            }
        }
    }

    /// <inheritdoc />
    public void DeleteDirectory(string path)
    {
        lock (_lock)
        {
            CheckLive();
            var (parent, name) = ResolveParent(path);
            if (parent.Entries.TryGetValue(name, out var entry) && entry is DirectoryNode)
            {
                Mutate(SimulatedOperation.Delete, path);
                parent.Entries.Remove(name);
            }
        }
    }

    /// <inheritdoc />
    public void Rename(string source, string destination)
    {
        lock (_lock)
        {
            CheckLive();
            var (sourceParent, sourceName) = ResolveParent(source);
            var (destinationParent, destinationName) = ResolveParent(destination);
            if (!sourceParent.Entries.TryGetValue(sourceName, out var entry))
            {
                throw new FileNotFoundException($"could not find '{source}'", source);
            }

            if (entry is DirectoryNode && destinationParent.Entries.ContainsKey(destinationName))
            {
                throw new IOException($"cannot rename the directory '{source}': '{destination}' exists");
            }

            Mutate(SimulatedOperation.Rename, source);
            sourceParent.Entries.Remove(sourceName);
            destinationParent.Entries[destinationName] = entry;
        }
    }

    /// <inheritdoc />
    public void SyncDirectory(string directory)
    {
        lock (_lock)
        {
            CheckLive();
            var node = FindDirectory(directory) ?? throw new DirectoryNotFoundException($"could not find directory '{directory}'");
            Mutate(SimulatedOperation.SyncDirectory, directory);
            node.Durable = new Dictionary<string, Node>(node.Entries, StringComparer.Ordinal);
        }
    }

    /// <inheritdoc />
    public IMappedFile MapReadOnly(string path)
    {
        lock (_lock)
        {
            CheckLive();
            var file = FindFile(path) ?? throw new FileNotFoundException($"could not find file '{path}'", path);
            return new SimulatedMapping(file.Data.AsSpan(0, checked((int)file.Length)).ToArray());
        }
    }

    private List<string> List(string directory, bool wantFiles)
    {
        lock (_lock)
        {
            CheckLive();
            var node = FindDirectory(directory) ?? throw new DirectoryNotFoundException($"could not find directory '{directory}'");
            var names = node.Entries.Where(e => (e.Value is FileNode) == wantFiles).Select(e => e.Key).ToList();
            names.Sort(StringComparer.Ordinal);
            return names;
        }
    }

    private void RevertDirectory(DirectoryNode directory, HashSet<FileNode> seen)
    {
        directory.Entries = new Dictionary<string, Node>(directory.Durable, StringComparer.Ordinal);
        foreach (var entry in directory.Entries.Values)
        {
            switch (entry)
            {
                case DirectoryNode child:
                    RevertDirectory(child, seen);
                    break;
                case FileNode file when seen.Add(file):
                    file.RecoverAfterCrash(_random);
                    break;
            }
        }
    }

    private FileNode? FindFile(string path) => Find(path) as FileNode;

    private DirectoryNode? FindDirectory(string path) => Find(path) as DirectoryNode;

    private Node? Find(string path)
    {
        Node current = _root;
        foreach (string part in Split(path))
        {
            if (current is not DirectoryNode directory || !directory.Entries.TryGetValue(part, out var next))
            {
                return null;
            }

            current = next;
        }

        return current;
    }

    private (DirectoryNode Parent, string Name) ResolveParent(string path)
    {
        var parts = Split(path);
        if (parts.Length == 0)
        {
            throw new IOException("the root has no parent");
        }

        var directory = _root;
        for (int i = 0; i < parts.Length - 1; i++)
        {
            if (!directory.Entries.TryGetValue(parts[i], out var next) || next is not DirectoryNode child)
            {
                throw new DirectoryNotFoundException($"could not find a part of the path '{path}'");
            }

            directory = child;
        }

        return (directory, parts[^1]);
    }

    private static string[] Split(string path) => path.Split('/', StringSplitOptions.RemoveEmptyEntries);

    private void CheckLive()
    {
        if (_halted)
        {
            throw new SimulatedCrashException("the simulated machine has crashed; call Crash() to reboot it");
        }
    }

    // Counts one mutating operation; throws the injected error or the crash. Callers hold the lock.
    private void Mutate(SimulatedOperation operation, string path, Action? tornPart = null)
    {
        CheckLive();
        if (InjectError?.Invoke(operation, path) is int errno)
        {
            throw new IOException($"{operation} of '{path}' failed: {(errno == 28 ? "No space left on device" : "Input/output error")} (errno {errno}, simulated)", errno);
        }

        if (_operations >= _crashAfter)
        {
            tornPart?.Invoke();
            _halted = true;
            throw new SimulatedCrashException($"simulated crash at operation {_operations} ({operation} of '{path}')");
        }

        _operations++;
    }

    private void CheckHandle(int epoch, string path)
    {
        CheckLive();
        if (epoch != _epoch)
        {
            throw new IOException($"the handle of '{path}' was opened before a crash");
        }
    }

    private int ReadFile(FileNode file, string path, int epoch, long offset, Span<byte> buffer)
    {
        lock (_lock)
        {
            CheckHandle(epoch, path);
            if (InjectError?.Invoke(SimulatedOperation.Read, path) is int errno)
            {
                throw new IOException($"read of '{path}' failed: Input/output error (errno {errno}, simulated)", errno);
            }

            if (offset >= file.Length)
            {
                return 0;
            }

            int count = (int)Math.Min(buffer.Length, file.Length - offset);
            file.Data.AsSpan(checked((int)offset), count).CopyTo(buffer);
            return count;
        }
    }

    private void WriteFile(FileNode file, string path, int epoch, long offset, ReadOnlySpan<byte> data)
    {
        lock (_lock)
        {
            CheckHandle(epoch, path);
            byte[] copy = data.ToArray();
            Mutate(SimulatedOperation.Write, path, () => file.Write(offset, copy.AsSpan(0, _random.Next(copy.Length + 1))));
            file.Write(offset, copy);
        }
    }

    private void SetFileLength(FileNode file, string path, int epoch, long length, bool onlyGrow)
    {
        lock (_lock)
        {
            CheckHandle(epoch, path);
            if (onlyGrow && length <= file.Length)
            {
                return;
            }

            Mutate(SimulatedOperation.Write, path);
            file.SetLength(length);
        }
    }

    private long FileLength(FileNode file)
    {
        lock (_lock)
        {
            return file.Length;
        }
    }

    private void SyncFile(FileNode file, string path, int epoch)
    {
        BeforeSync?.Invoke(path);
        lock (_lock)
        {
            CheckHandle(epoch, path);
            Mutate(SimulatedOperation.Sync, path);
            file.MakeDurable();
            SyncCount++;
        }
    }
}

/// <summary>The operations <see cref="SimulatedFileSystem.InjectError"/> can fail.</summary>
public enum SimulatedOperation
{
    /// <summary>A read of a file.</summary>
    Read,

    /// <summary>A write, resize or allocation of a file.</summary>
    Write,

    /// <summary>A sync of a file's contents.</summary>
    Sync,

    /// <summary>A sync of a directory's names.</summary>
    SyncDirectory,

    /// <summary>The creation of a file or directory.</summary>
    Create,

    /// <summary>A rename.</summary>
    Rename,

    /// <summary>A deletion.</summary>
    Delete,
}

/// <summary>Thrown by every operation of a <see cref="SimulatedFileSystem"/> from its crash point until it is rebooted.</summary>
public sealed class SimulatedCrashException : IOException
{
    /// <summary>Creates the exception.</summary>
    public SimulatedCrashException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public SimulatedCrashException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public SimulatedCrashException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
