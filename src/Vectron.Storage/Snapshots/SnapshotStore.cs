using Vectron.Storage.Files;

namespace Vectron.Storage.Snapshots;

/// <summary>
/// The snapshots of one shard in one directory: each a subdirectory of files plus a checksummed manifest, written under a
/// temporary name and renamed into place once every byte and name is durable, so a crash leaves either the new snapshot
/// or the previous one, never half of one. Snapshots are written locally (<see cref="BeginWrite"/>), read
/// (<see cref="OpenRead"/>, <see cref="Verify"/>), streamed to replicas in chunks (<see cref="ReadChunks"/>) and received
/// from them (<see cref="BeginReceive"/>). Formats: docs/formats/snapshot.md.
/// </summary>
/// <remarks>
/// Thread-safe; one store per directory. Writers and receivers are single-owner objects. Snapshots older than the
/// <see cref="SnapshotStoreOptions.KeepPrevious"/> kept ones are deleted after each commit: on Linux a reader that already
/// opened or mapped their files keeps reading, but new opens fail.
/// </remarks>
public sealed class SnapshotStore
{
    private readonly Lock _gate = new();
    private readonly IFileSystem _fileSystem;

    // Complete snapshots, newest first. Guarded by _gate, like the two fields below.
    private readonly List<SnapshotInfo> _snapshots;
    private readonly HashSet<(ulong Index, ulong Term)> _active = [];
    private (ulong Index, ulong Term)? _receiving;

    private SnapshotStore(IFileSystem fileSystem, string directory, SnapshotStoreOptions options, List<SnapshotInfo> snapshots, List<RemovedSnapshotDirectory> removed)
    {
        _fileSystem = fileSystem;
        RootDirectory = directory;
        Options = options;
        _snapshots = snapshots;
        RemovedOnOpen = removed;
    }

    /// <summary>The directory holding the snapshots.</summary>
    public string RootDirectory { get; }

    /// <summary>The options the store was opened with.</summary>
    public SnapshotStoreOptions Options { get; }

    /// <summary>The directories <see cref="Open"/> deleted: unfinished writes, invalid snapshots, superseded receives, and snapshots beyond retention.</summary>
    public IReadOnlyList<RemovedSnapshotDirectory> RemovedOnOpen { get; }

    /// <summary>The newest complete snapshot (highest index, then term), or null when there is none.</summary>
    public SnapshotInfo? Latest
    {
        get
        {
            lock (_gate)
            {
                return LatestCore;
            }
        }
    }

    /// <summary>Every complete snapshot, newest first.</summary>
    public IReadOnlyList<SnapshotInfo> Snapshots
    {
        get
        {
            lock (_gate)
            {
                return [.. _snapshots];
            }
        }
    }

    private SnapshotInfo? LatestCore => _snapshots.Count > 0 ? _snapshots[0] : null;

    /// <summary>
    /// Opens (creating it if needed) a snapshot directory: finds the complete snapshots, the newest of which becomes
    /// <see cref="Latest"/>, and deletes what cannot be used, listing it in <see cref="RemovedOnOpen"/>: temporary
    /// directories of unfinished writes, snapshot directories whose manifest is missing or invalid or whose files are
    /// missing or of the wrong length, partial receives of snapshots no newer than the latest, and complete snapshots
    /// beyond retention. Partial receives of newer snapshots stay, for <see cref="BeginReceive"/> to resume.
    /// Directories whose names the store does not use are left alone.
    /// </summary>
    /// <remarks>File contents are not checksummed here (that reads every byte): <see cref="Verify"/> does it.</remarks>
    /// <exception cref="IOException">The file system failed; nothing is deleted on the strength of a failed read.</exception>
    public static SnapshotStore Open(IFileSystem fileSystem, string directory, SnapshotStoreOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(fileSystem);
        ArgumentException.ThrowIfNullOrEmpty(directory);
        options ??= new SnapshotStoreOptions();
        options.Validate();

        fileSystem.CreateDirectoryDurably(directory);
        var snapshots = new List<SnapshotInfo>();
        var removed = new List<RemovedSnapshotDirectory>();
        var receiving = new List<(string Name, ulong Index, ulong Term)>();
        foreach (string name in fileSystem.ListDirectories(directory))
        {
            if (!SnapshotFormat.TryParseDirectoryName(name, out ulong index, out ulong term, out var kind))
            {
                continue;
            }

            string path = Path.Join(directory, name);
            switch (kind)
            {
                case SnapshotDirectoryKind.Committed:
                    var (info, problem) = TryLoad(fileSystem, path, index, term);
                    if (info is not null)
                    {
                        snapshots.Add(info);
                    }
                    else
                    {
                        fileSystem.DeleteDirectory(path);
                        removed.Add(new RemovedSnapshotDirectory(name, $"incomplete or invalid snapshot: {problem}"));
                    }

                    break;
                case SnapshotDirectoryKind.Writing:
                    fileSystem.DeleteDirectory(path);
                    removed.Add(new RemovedSnapshotDirectory(name, "temporary directory of a snapshot whose write did not commit"));
                    break;
                case SnapshotDirectoryKind.Receiving:
                    receiving.Add((name, index, term));
                    break;
            }
        }

        // Newest first: by index, then term.
        snapshots.Sort((a, b) => a.Index != b.Index ? b.Index.CompareTo(a.Index) : b.Term.CompareTo(a.Term));
        var latest = snapshots.Count > 0 ? snapshots[0] : null;
        foreach (var (name, index, term) in receiving)
        {
            if (!SnapshotInfo.IsNewer(index, term, latest))
            {
                fileSystem.DeleteDirectory(Path.Join(directory, name));
                removed.Add(new RemovedSnapshotDirectory(name, $"partial receive of a snapshot no newer than the latest ({latest!.Index}, term {latest.Term})"));
            }
        }

        var store = new SnapshotStore(fileSystem, directory, options, snapshots, removed);
        lock (store._gate)
        {
            store.DeleteBeyondRetention(removed, anythingDeleted: removed.Count > 0);
        }

        return store;
    }

    /// <summary>Starts writing a local snapshot covering <paramref name="index"/> and <paramref name="term"/> in a temporary directory.</summary>
    /// <exception cref="InvalidOperationException">The snapshot is not newer than <see cref="Latest"/>, or it is being written or received already.</exception>
    public SnapshotWriter BeginWrite(ulong index, ulong term)
    {
        lock (_gate)
        {
            ThrowIfCannotBegin(index, term);
            string temporary = Path.Join(RootDirectory, SnapshotFormat.DirectoryName(index, term, SnapshotDirectoryKind.Writing));

            // A writer whose Dispose could not delete its directory leaves it behind; it is garbage.
            _fileSystem.DeleteDirectory(temporary);
            _fileSystem.CreateDirectory(temporary);
            _active.Add((index, term));
            return new SnapshotWriter(this, _fileSystem, temporary, index, term);
        }
    }

    /// <summary>
    /// Starts or resumes receiving the stream of a snapshot covering <paramref name="index"/> and <paramref name="term"/>.
    /// A partial receive of the same snapshot left by an earlier receiver (this process or one before a restart) is
    /// resumed from what is durable in it (<see cref="SnapshotReceiver.ResumeOffset"/>); partial receives of other
    /// snapshots are deleted.
    /// </summary>
    /// <exception cref="InvalidOperationException">The snapshot is not newer than <see cref="Latest"/>, a receive is in progress, or the snapshot is being written.</exception>
    /// <exception cref="IOException">Creating or syncing the receive directory failed.</exception>
    public SnapshotReceiver BeginReceive(ulong index, ulong term)
    {
        lock (_gate)
        {
            if (_receiving is { } current)
            {
                throw new InvalidOperationException($"a receive of snapshot {current.Index} (term {current.Term}) is in progress; dispose it first");
            }

            ThrowIfCannotBegin(index, term);
            foreach (string name in _fileSystem.ListDirectories(RootDirectory))
            {
                if (SnapshotFormat.TryParseDirectoryName(name, out ulong otherIndex, out ulong otherTerm, out var kind)
                    && kind == SnapshotDirectoryKind.Receiving
                    && (otherIndex, otherTerm) != (index, term))
                {
                    _fileSystem.DeleteDirectory(Path.Join(RootDirectory, name));
                }
            }

            var receiver = SnapshotReceiver.Start(this, _fileSystem, RootDirectory, index, term);
            _active.Add((index, term));
            _receiving = (index, term);
            return receiver;
        }
    }

    /// <summary>A reader of a committed snapshot's files.</summary>
    public SnapshotReader OpenRead(SnapshotInfo snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return new SnapshotReader(_fileSystem, snapshot);
    }

    /// <summary>Reads every byte of a snapshot and checks the manifest on disk and each file's length and CRC-32C against the manifest.</summary>
    /// <exception cref="SnapshotCorruptException">A check failed; the message names the file.</exception>
    /// <exception cref="IOException">Reading failed.</exception>
    public void Verify(SnapshotInfo snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        string manifestPath = Path.Join(snapshot.DirectoryPath, SnapshotFormat.ManifestFileName);
        if (!_fileSystem.FileExists(manifestPath))
        {
            throw new SnapshotCorruptException($"{manifestPath}: the manifest is missing", manifestPath, null);
        }

        byte[]? stored = SnapshotFiles.ReadAll(_fileSystem, manifestPath, SnapshotFormat.MaxManifestLength)
            ?? throw new SnapshotCorruptException($"{manifestPath}: the manifest is longer than {SnapshotFormat.MaxManifestLength} bytes", manifestPath, null);
        if (!stored.AsSpan().SequenceEqual(snapshot.Manifest.Encoded))
        {
            // Parse for the precise complaint; a manifest that parses but differs was replaced behind the store's back.
            _ = SnapshotManifestCodec.Parse(stored, manifestPath);
            throw new SnapshotCorruptException($"{manifestPath}: the manifest differs from the one the store loaded", manifestPath, null);
        }

        foreach (var entry in snapshot.Manifest.Files)
        {
            SnapshotFiles.Verify(_fileSystem, snapshot.DirectoryPath, entry);
        }
    }

    /// <summary>
    /// The snapshot's stream, from <paramref name="fromOffset"/> (a receiver's <see cref="SnapshotReceiver.ResumeOffset"/>),
    /// in chunks of <see cref="SnapshotStoreOptions.ChunkSize"/> bytes (the last may be shorter), each with its offset and
    /// CRC-32C: first the manifest, then the files in manifest order. Lazy: files are read as chunks are taken.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="fromOffset"/> lies outside the stream.</exception>
    /// <exception cref="SnapshotCorruptException">(While enumerating) a file is shorter than the manifest says, or a file read from its start fails its checksum.</exception>
    public IEnumerable<SnapshotChunk> ReadChunks(SnapshotInfo snapshot, long fromOffset = 0)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return SnapshotChunkReader.Read(_fileSystem, snapshot, fromOffset, Options.ChunkSize);
    }

    /// <summary>
    /// Renames a finished snapshot directory (manifest and files synced, directory synced) to its final name and syncs
    /// the store's directory: the commit point. Then deletes <paramref name="leftover"/> and snapshots beyond retention.
    /// </summary>
    internal SnapshotInfo CommitDirectory(string source, SnapshotManifest manifest, string? leftover)
    {
        lock (_gate)
        {
            if (!SnapshotInfo.IsNewer(manifest.Index, manifest.Term, LatestCore))
            {
                throw new InvalidOperationException($"snapshot {manifest.Index} (term {manifest.Term}) is not newer than the latest, {LatestCore}");
            }

            string final = Path.Join(RootDirectory, SnapshotFormat.DirectoryName(manifest.Index, manifest.Term));
            if (_fileSystem.DirectoryExists(final))
            {
                throw new InvalidOperationException($"'{final}' exists but is not a snapshot the store knows (an earlier commit failed after its rename); reopen the store");
            }

            _fileSystem.Rename(source, final);
            _fileSystem.SyncDirectory(RootDirectory);
            var info = new SnapshotInfo(final, manifest);
            _snapshots.Insert(0, info);

            if (leftover is not null)
            {
                _fileSystem.DeleteDirectory(leftover);
            }

            DeleteBeyondRetention(report: null, anythingDeleted: leftover is not null);
            return info;
        }
    }

    /// <summary>Forgets a writer or receiver that committed, aborted or was disposed.</summary>
    internal void Release(ulong index, ulong term)
    {
        lock (_gate)
        {
            _active.Remove((index, term));
            if (_receiving == (index, term))
            {
                _receiving = null;
            }
        }
    }

    private static (SnapshotInfo? Info, string? Problem) TryLoad(IFileSystem fileSystem, string path, ulong index, ulong term)
    {
        string manifestPath = Path.Join(path, SnapshotFormat.ManifestFileName);
        if (!fileSystem.FileExists(manifestPath))
        {
            return (null, "it has no manifest");
        }

        byte[]? bytes = SnapshotFiles.ReadAll(fileSystem, manifestPath, SnapshotFormat.MaxManifestLength);
        if (bytes is null)
        {
            return (null, $"its manifest is longer than {SnapshotFormat.MaxManifestLength} bytes");
        }

        SnapshotManifest manifest;
        try
        {
            manifest = SnapshotManifestCodec.Parse(bytes, manifestPath);
        }
        catch (SnapshotCorruptException e)
        {
            return (null, e.Message);
        }

        if (manifest.Index != index || manifest.Term != term)
        {
            return (null, $"its manifest covers index {manifest.Index} (term {manifest.Term}), not the index and term of its name");
        }

        foreach (var entry in manifest.Files)
        {
            string filePath = Path.Join(path, entry.Name);
            if (!fileSystem.FileExists(filePath))
            {
                return (null, $"the file '{entry.Name}' is missing");
            }

            using var file = fileSystem.OpenFile(filePath, FileOpenMode.ReadOnly);
            if (file.Length != entry.Length)
            {
                return (null, $"the file '{entry.Name}' has {file.Length} bytes; the manifest lists {entry.Length}");
            }
        }

        return (new SnapshotInfo(path, manifest), null);
    }

    private void ThrowIfCannotBegin(ulong index, ulong term)
    {
        if (!SnapshotInfo.IsNewer(index, term, LatestCore))
        {
            throw new InvalidOperationException($"snapshot {index} (term {term}) is not newer than the latest, {LatestCore}");
        }

        if (_active.Contains((index, term)))
        {
            throw new InvalidOperationException($"snapshot {index} (term {term}) is already being written or received");
        }
    }

    // Deletes the oldest complete snapshots beyond the latest and KeepPrevious more, then syncs the directory if anything
    // went. A crash mid-way is harmless: a half-deleted snapshot fails the checks of the next Open and is removed then.
    // Callers hold _gate.
    private void DeleteBeyondRetention(List<RemovedSnapshotDirectory>? report, bool anythingDeleted)
    {
        int keep = 1 + Options.KeepPrevious;
        while (_snapshots.Count > keep)
        {
            var victim = _snapshots[^1];
            _snapshots.RemoveAt(_snapshots.Count - 1);
            _fileSystem.DeleteDirectory(victim.DirectoryPath);
            report?.Add(new RemovedSnapshotDirectory(Path.GetFileName(victim.DirectoryPath), $"older than the {Options.KeepPrevious} previous snapshot(s) kept"));
            anythingDeleted = true;
        }

        if (anythingDeleted)
        {
            _fileSystem.SyncDirectory(RootDirectory);
        }
    }
}
