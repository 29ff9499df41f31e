using Vectron.Storage.Files;

namespace Vectron.Storage.Snapshots;

/// <summary>
/// Writes one local snapshot into a temporary directory of the store; <see cref="Commit"/> makes it durable and the
/// store's latest, <see cref="Dispose"/> without a commit abandons it.
/// </summary>
/// <remarks>
/// Not thread-safe: one owner adds files and commits. Files are written in the order they are created, which is their
/// order in the manifest and in the snapshot's stream. Nothing is synced until <see cref="Commit"/>.
/// </remarks>
public sealed class SnapshotWriter : IDisposable
{
    private readonly SnapshotStore _store;
    private readonly IFileSystem _fileSystem;
    private readonly string _directory;
    private readonly List<SnapshotFileWriteStream> _files = [];
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private State _state;

    internal SnapshotWriter(SnapshotStore store, IFileSystem fileSystem, string directory, ulong index, ulong term)
    {
        _store = store;
        _fileSystem = fileSystem;
        _directory = directory;
        Index = index;
        Term = term;
    }

    private enum State
    {
        Open,
        Committing,
        Committed,
        Disposed,
    }

    /// <summary>The Raft index the snapshot covers.</summary>
    public ulong Index { get; }

    /// <summary>The Raft term of that index.</summary>
    public ulong Term { get; }

    /// <summary>The temporary directory the files are written to (renamed on commit).</summary>
    public string TemporaryDirectory => _directory;

    /// <summary>
    /// Creates the next file of the snapshot and returns a write-only stream into it that counts and checksums what is written.
    /// Dispose the stream before <see cref="Commit"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The name is empty, contains a path separator or <c>..</c>, is <c>MANIFEST</c>, is longer than 255 UTF-8 bytes, or was used already.</exception>
    public Stream CreateFile(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        ThrowIfNotOpen();
        if (SnapshotFileName.Problem(name) is string problem)
        {
            throw new ArgumentException(problem, nameof(name));
        }

        if (_names.Contains(name))
        {
            throw new ArgumentException($"the snapshot already has a file named '{name}'", nameof(name));
        }

        if (_files.Count == SnapshotFormat.MaxFileCount)
        {
            throw new InvalidOperationException($"a snapshot holds at most {SnapshotFormat.MaxFileCount} files");
        }

        var file = _fileSystem.OpenFile(Path.Join(_directory, name), FileOpenMode.CreateNew);
        var stream = new SnapshotFileWriteStream(name, file);
        _names.Add(name);
        _files.Add(stream);
        return stream;
    }

    /// <summary>Adds a file holding <paramref name="contents"/>.</summary>
    /// <exception cref="ArgumentException">The name is invalid or used already (see <see cref="CreateFile"/>).</exception>
    public void AddFile(string name, ReadOnlySpan<byte> contents)
    {
        using var stream = CreateFile(name);
        stream.Write(contents);
    }

    /// <summary>
    /// Makes the snapshot durable and the store's latest: syncs every file, writes and syncs the manifest, syncs the
    /// temporary directory, renames it to its final name and syncs the store's directory (the commit point); then deletes
    /// snapshots beyond the store's retention.
    /// </summary>
    /// <returns>The committed snapshot.</returns>
    /// <exception cref="InvalidOperationException">A file's stream is still open or failed, the writer was committed or disposed, or a newer snapshot was committed meanwhile.</exception>
    /// <exception cref="IOException">A write, sync or rename failed. Before the commit point the snapshot is not committed (dispose the writer);
    /// after it (while deleting older snapshots) the snapshot is committed and latest.</exception>
    public SnapshotInfo Commit()
    {
        ThrowIfNotOpen();
        var entries = new SnapshotFileEntry[_files.Count];
        for (int i = 0; i < _files.Count; i++)
        {
            var file = _files[i];
            if (!file.IsClosed)
            {
                throw new InvalidOperationException($"the stream of the snapshot file '{file.Name}' is still open; dispose it before Commit");
            }

            if (file.Faulted)
            {
                throw new InvalidOperationException($"writing the snapshot file '{file.Name}' failed; dispose the writer and write the snapshot again");
            }

            entries[i] = new SnapshotFileEntry(file.Name, file.WrittenLength, file.Checksum);
        }

        // From here a failure leaves the writer unusable; Dispose removes whatever is left of the temporary directory.
        _state = State.Committing;
        var manifest = SnapshotManifestCodec.Create(Index, Term, entries);
        foreach (var file in _files)
        {
            file.File.Sync();
            file.File.Dispose();
        }

        SnapshotFiles.WriteNewAndSync(_fileSystem, Path.Join(_directory, SnapshotFormat.ManifestFileName), manifest.Encoded);
        _fileSystem.SyncDirectory(_directory);
        var info = _store.CommitDirectory(_directory, manifest, leftover: null);
        _state = State.Committed;
        _store.Release(Index, Term);
        return info;
    }

    /// <summary>Abandons the snapshot unless it was committed: closes its files and deletes the temporary directory.</summary>
    /// <remarks>Best effort: when the file system refuses the deletion (it failed or crashed), the directory stays and the
    /// next <see cref="SnapshotStore.Open"/> removes it.</remarks>
    public void Dispose()
    {
        if (_state is State.Disposed)
        {
            return;
        }

        bool committed = _state is State.Committed;
        _state = State.Disposed;
        if (committed)
        {
            return;
        }

        foreach (var file in _files)
        {
            file.File.Dispose();
        }

        try
        {
            _fileSystem.DeleteDirectory(_directory);
        }
        catch (IOException)
        {
            // Left for the next Open: a temporary directory is never mistaken for a snapshot.
        }

        _store.Release(Index, Term);
    }

    private void ThrowIfNotOpen()
    {
        ObjectDisposedException.ThrowIf(_state is State.Disposed, this);
        if (_state is not State.Open)
        {
            throw new InvalidOperationException(_state is State.Committed
                ? $"snapshot {Index} (term {Term}) is already committed"
                : $"committing snapshot {Index} (term {Term}) failed; dispose the writer and write the snapshot again");
        }
    }
}
