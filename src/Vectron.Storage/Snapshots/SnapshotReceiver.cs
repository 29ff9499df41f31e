using Vectron.Checksums;
using Vectron.Storage.Files;

namespace Vectron.Storage.Snapshots;

/// <summary>
/// Builds a snapshot from its stream, chunk by chunk in order, in a receive directory that survives restarts: every
/// accepted chunk is synced before <see cref="Accept"/> returns, so after a crash or a restart of either side the
/// transfer resumes at <see cref="ResumeOffset"/>. <see cref="Commit"/> checks every file against the manifest and
/// commits the snapshot exactly as a local one.
/// </summary>
/// <remarks>
/// Not thread-safe: one owner feeds chunks. A rejected chunk (<see cref="InvalidOperationException"/> for the wrong offset,
/// <see cref="SnapshotCorruptException"/> for a bad checksum or layout) changes nothing, and the receiver keeps going.
/// An I/O failure while storing a chunk leaves the receiver faulted: dispose it and call
/// <see cref="SnapshotStore.BeginReceive"/> again, which resumes from what is durable. Resuming assumes the same stream
/// (the same sender's snapshot): a stream that differs is caught by the manifest or file checksums, and then
/// <see cref="Abort"/> starts over.
/// </remarks>
public sealed class SnapshotReceiver : IDisposable
{
    private readonly SnapshotStore _store;
    private readonly IFileSystem _fileSystem;
    private readonly string _dataDirectory;
    private readonly string _manifestPath;
    private readonly ReceiveProgressLog _progress;

    // Manifest bytes [0, min(_offset, length)) are valid; bytes beyond are scratch for the chunk being checked.
    private byte[] _manifestBuffer;
    private ManifestHeader? _header;
    private SnapshotManifest? _manifest;
    private long[] _fileStarts = [];
    private long _offset;
    private State _state;

    private SnapshotReceiver(
        SnapshotStore store, IFileSystem fileSystem, string receiveDirectory, ulong index, ulong term, ReceiveProgressLog progress, byte[] manifestBuffer)
    {
        _store = store;
        _fileSystem = fileSystem;
        ReceiveDirectory = receiveDirectory;
        _dataDirectory = Path.Join(receiveDirectory, SnapshotFormat.ReceiveDataDirectoryName);
        _manifestPath = Path.Join(_dataDirectory, SnapshotFormat.ManifestFileName);
        Index = index;
        Term = term;
        _progress = progress;
        _offset = progress.Offset;
        _manifestBuffer = manifestBuffer;
    }

    private enum State
    {
        Receiving,
        Faulted,
        Committed,
        Disposed,
    }

    /// <summary>The Raft index of the snapshot being received.</summary>
    public ulong Index { get; }

    /// <summary>The Raft term of that index.</summary>
    public ulong Term { get; }

    /// <summary>The directory the partial snapshot lives in until it is committed.</summary>
    public string ReceiveDirectory { get; }

    /// <summary>The stream offset of the next chunk to send: every byte before it is durably stored.</summary>
    public long ResumeOffset => _offset;

    /// <summary>The length of the whole stream, known once the manifest's 48-byte header has arrived.</summary>
    public long? StreamLength => _header is { } header ? header.Length + header.DataLength : null;

    /// <summary>Whether every byte of the stream has arrived (so <see cref="Commit"/> can run).</summary>
    public bool IsComplete => _manifest is not null && _offset == _manifest.StreamLength;

    /// <inheritdoc />
    public override string ToString() => $"receive of snapshot {Index} (term {Term})";

    /// <summary>
    /// Stores the next chunk of the stream durably. The chunk must start at <see cref="ResumeOffset"/> and carry the
    /// CRC-32C of its bytes; the chunk that completes the manifest's header or the manifest is checked before anything is written.
    /// </summary>
    /// <exception cref="InvalidOperationException">The chunk does not start at <see cref="ResumeOffset"/> (a duplicate, an old chunk, or a gap);
    /// or the receiver is committed or faulted.</exception>
    /// <exception cref="SnapshotCorruptException">The chunk's checksum fails, it is empty, it runs past the stream's end or
    /// misstates whether it is the last, or it completes a manifest that is invalid or of another snapshot.</exception>
    /// <exception cref="IOException">Storing or syncing failed; the receiver is faulted (see the remarks).</exception>
    public void Accept(SnapshotChunk chunk)
    {
        ThrowIfNotReceiving();
        long offset = chunk.Offset;
        var data = chunk.Data.Span;
        if (offset != _offset)
        {
            throw new InvalidOperationException(offset < _offset
                ? $"{this}: chunk at offset {offset} rejected: bytes up to {_offset} are already stored (a duplicate or an old chunk); send from offset {_offset}"
                : $"{this}: chunk at offset {offset} rejected: it would leave out bytes {_offset} … {offset - 1}; send from offset {_offset}");
        }

        if (data.IsEmpty)
        {
            throw Corrupt(offset, "the chunk is empty");
        }

        uint computed = Crc32C.Compute(data);
        if (computed != chunk.Checksum)
        {
            throw Corrupt(offset, $"the chunk's {data.Length} bytes fail their checksum: CRC32C 0x{chunk.Checksum:X8} sent, 0x{computed:X8} computed");
        }

        long end = offset + data.Length;
        var header = _header;
        var manifest = _manifest;
        int manifestBytes = 0;
        if (manifest is null)
        {
            manifestBytes = TakeManifestBytes(offset, data, ref header, ref manifest);
        }

        if (header is { } known)
        {
            long total = known.Length + known.DataLength;
            if (end > total)
            {
                throw Corrupt(offset, $"the chunk ends at offset {end}, past the end of the {total}-byte stream");
            }

            if (chunk.IsLast != (end == total))
            {
                throw Corrupt(offset, chunk.IsLast
                    ? $"the chunk is marked last but the stream runs to offset {total}"
                    : $"the chunk ends the {total}-byte stream but is not marked last");
            }
        }
        else if (chunk.IsLast)
        {
            throw Corrupt(offset, "the chunk is marked last but the manifest's header is not complete");
        }

        // Every check passed: store the chunk. Data first, the progress record last, so the record never runs ahead of the disk.
        _state = State.Faulted;
        if (manifestBytes > 0)
        {
            using var file = _fileSystem.OpenFile(_manifestPath, FileOpenMode.OpenExisting);
            file.Write(offset, data[..manifestBytes]);
            file.Sync();
        }

        if (manifest is not null && _manifest is null)
        {
            PrepareDataFiles(manifest);
            _fileStarts = FileStarts(manifest);
        }

        if (manifestBytes < data.Length)
        {
            WriteData(offset + manifestBytes, data[manifestBytes..], manifest!);
        }

        _progress.Append(end);
        _offset = end;
        _header = header;
        _manifest = manifest;
        _state = State.Receiving;
    }

    /// <summary>
    /// Checks the received manifest and every file (length and CRC-32C, read back from disk) and commits the snapshot
    /// exactly as a local one: rename into place, sync the store's directory, delete the receive directory and snapshots
    /// beyond retention.
    /// </summary>
    /// <returns>The committed snapshot, now the store's latest.</returns>
    /// <exception cref="InvalidOperationException">The stream is not complete, the receiver is committed or faulted, or a newer snapshot was committed meanwhile.</exception>
    /// <exception cref="SnapshotCorruptException">A file differs from the manifest. The partial snapshot is deleted, so the next receive starts at offset 0.</exception>
    /// <exception cref="IOException">Reading, renaming or syncing failed.</exception>
    public SnapshotInfo Commit()
    {
        ThrowIfNotReceiving();
        if (_manifest is null || _offset != _manifest.StreamLength)
        {
            throw new InvalidOperationException($"{this}: the stream is incomplete: {_offset} of {StreamLength?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(unknown)"} bytes received");
        }

        _state = State.Faulted;
        try
        {
            byte[]? stored = SnapshotFiles.ReadAll(_fileSystem, _manifestPath, SnapshotFormat.MaxManifestLength);
            if (stored is null || !stored.AsSpan().SequenceEqual(_manifest.Encoded))
            {
                throw new SnapshotCorruptException($"{_manifestPath}: the stored manifest differs from the one received", _manifestPath, null);
            }

            foreach (var entry in _manifest.Files)
            {
                SnapshotFiles.Verify(_fileSystem, _dataDirectory, entry);
            }
        }
        catch (SnapshotCorruptException e)
        {
            _progress.Dispose();
            _fileSystem.DeleteDirectory(ReceiveDirectory);
            _state = State.Disposed;
            _store.Release(Index, Term);
            throw new SnapshotCorruptException(
                $"{e.Message}; the received snapshot {Index} (term {Term}) was discarded and the next receive starts at offset 0", e.Path ?? ReceiveDirectory, e.Offset, e);
        }

        _progress.Dispose();
        var info = _store.CommitDirectory(_dataDirectory, _manifest, ReceiveDirectory);
        _state = State.Committed;
        _store.Release(Index, Term);
        return info;
    }

    /// <summary>Gives the receive up: deletes the partial snapshot, so the next receive of it starts at offset 0.</summary>
    /// <exception cref="IOException">The deletion failed.</exception>
    public void Abort()
    {
        ObjectDisposedException.ThrowIf(_state is State.Disposed, this);
        if (_state is State.Committed)
        {
            throw new InvalidOperationException($"{this} is already committed");
        }

        _state = State.Disposed;
        _progress.Dispose();
        _store.Release(Index, Term);
        _fileSystem.DeleteDirectory(ReceiveDirectory);
    }

    /// <summary>Closes the receiver and keeps what it stored, so a later <see cref="SnapshotStore.BeginReceive"/> of the same snapshot resumes it.</summary>
    public void Dispose()
    {
        if (_state is State.Disposed)
        {
            return;
        }

        _state = State.Disposed;
        _progress.Dispose();
        _store.Release(Index, Term);
    }

    /// <summary>Opens the receive directory of a snapshot, resuming what is durable in it, or starts a new one.</summary>
    internal static SnapshotReceiver Start(SnapshotStore store, IFileSystem fileSystem, string storeDirectory, ulong index, ulong term)
    {
        string receiveDirectory = Path.Join(storeDirectory, SnapshotFormat.DirectoryName(index, term, SnapshotDirectoryKind.Receiving));
        if (fileSystem.DirectoryExists(receiveDirectory))
        {
            if (TryResume(store, fileSystem, receiveDirectory, index, term) is { } resumed)
            {
                return resumed;
            }

            // What is there cannot be trusted (half created, or its durable bytes fail their checks): the sender has it all, start over.
            fileSystem.DeleteDirectory(receiveDirectory);
        }

        string dataDirectory = Path.Join(receiveDirectory, SnapshotFormat.ReceiveDataDirectoryName);
        fileSystem.CreateDirectory(dataDirectory);
        var progress = ReceiveProgressLog.Create(fileSystem, Path.Join(receiveDirectory, SnapshotFormat.ProgressFileName));
        try
        {
            fileSystem.OpenFile(Path.Join(dataDirectory, SnapshotFormat.ManifestFileName), FileOpenMode.CreateNew).Dispose();
            fileSystem.SyncDirectory(dataDirectory);
            fileSystem.SyncDirectory(receiveDirectory);
            fileSystem.SyncDirectory(storeDirectory);
            return new SnapshotReceiver(store, fileSystem, receiveDirectory, index, term, progress, new byte[SnapshotFormat.HeaderLength]);
        }
        catch
        {
            progress.Dispose();
            throw;
        }
    }

    private static SnapshotReceiver? TryResume(SnapshotStore store, IFileSystem fileSystem, string receiveDirectory, ulong index, ulong term)
    {
        string dataDirectory = Path.Join(receiveDirectory, SnapshotFormat.ReceiveDataDirectoryName);
        string manifestPath = Path.Join(dataDirectory, SnapshotFormat.ManifestFileName);
        string progressPath = Path.Join(receiveDirectory, SnapshotFormat.ProgressFileName);
        if (!fileSystem.DirectoryExists(dataDirectory) || !fileSystem.FileExists(progressPath) || !fileSystem.FileExists(manifestPath))
        {
            return null;
        }

        var progress = ReceiveProgressLog.Open(fileSystem, progressPath);
        SnapshotReceiver? receiver = null;
        try
        {
            long offset = progress.Offset;
            var buffer = new byte[(int)Math.Min(offset, SnapshotFormat.MaxManifestLength)];
            int read;
            using (var file = fileSystem.OpenFile(manifestPath, FileOpenMode.ReadOnly))
            {
                read = file.Read(0, buffer);
            }

            ManifestHeader? header = null;
            SnapshotManifest? manifest = null;
            if (offset >= SnapshotFormat.HeaderLength)
            {
                if (read < SnapshotFormat.HeaderLength)
                {
                    return null;
                }

                var known = ParseHeader(buffer, manifestPath, index, term);
                if (offset > known.Length + known.DataLength || read < Math.Min(offset, known.Length))
                {
                    return null;
                }

                header = known;
                if (offset >= known.Length)
                {
                    manifest = SnapshotManifestCodec.Parse(buffer.AsSpan(0, known.Length), manifestPath);
                    foreach (var entry in manifest.Files)
                    {
                        if (!fileSystem.FileExists(Path.Join(dataDirectory, entry.Name)))
                        {
                            return null;
                        }
                    }
                }

                Array.Resize(ref buffer, known.Length);
            }
            else if (read < offset)
            {
                return null;
            }
            else
            {
                Array.Resize(ref buffer, SnapshotFormat.HeaderLength);
            }

            receiver = new SnapshotReceiver(store, fileSystem, receiveDirectory, index, term, progress, buffer)
            {
                _header = header,
                _manifest = manifest,
                _fileStarts = manifest is null ? [] : FileStarts(manifest),
            };
            return receiver;
        }
        catch (SnapshotCorruptException)
        {
            return null;
        }
        finally
        {
            if (receiver is null)
            {
                progress.Dispose();
            }
        }
    }

    private static ManifestHeader ParseHeader(ReadOnlySpan<byte> bytes, string source, ulong index, ulong term)
    {
        var header = SnapshotManifestCodec.ParseHeader(bytes, source);
        if (header.Index != index || header.Term != term)
        {
            throw new SnapshotCorruptException(
                $"{source}: the stream holds snapshot {header.Index} (term {header.Term}), not snapshot {index} (term {term}) (offset 16)", source, 16);
        }

        return header;
    }

    private static long[] FileStarts(SnapshotManifest manifest)
    {
        var starts = new long[manifest.Files.Count];
        long start = manifest.EncodedLength;
        for (int i = 0; i < starts.Length; i++)
        {
            starts[i] = start;
            start += manifest.Files[i].Length;
        }

        return starts;
    }

    // Copies the manifest bytes of a chunk into the scratch part of the buffer and checks the header and the manifest
    // when the chunk completes them. Changes no state but the scratch bytes; returns how many chunk bytes are manifest.
    private int TakeManifestBytes(long offset, ReadOnlySpan<byte> data, ref ManifestHeader? header, ref SnapshotManifest? manifest)
    {
        const string Source = "the received manifest";
        int start = (int)offset;
        int room = (header?.Length ?? SnapshotFormat.HeaderLength) - start;
        int taken = Math.Min(data.Length, room);
        data[..taken].CopyTo(_manifestBuffer.AsSpan(start));
        try
        {
            if (header is null && start + taken == SnapshotFormat.HeaderLength)
            {
                var known = ParseHeader(_manifestBuffer.AsSpan(0, SnapshotFormat.HeaderLength), Source, Index, Term);
                if (_manifestBuffer.Length < known.Length)
                {
                    Array.Resize(ref _manifestBuffer, known.Length);
                }

                int more = Math.Min(data.Length - taken, known.Length - SnapshotFormat.HeaderLength);
                data.Slice(taken, more).CopyTo(_manifestBuffer.AsSpan(SnapshotFormat.HeaderLength));
                taken += more;
                header = known;
            }

            if (header is { } complete && start + taken == complete.Length)
            {
                manifest = SnapshotManifestCodec.Parse(_manifestBuffer.AsSpan(0, complete.Length), Source);
            }
        }
        catch (SnapshotCorruptException e)
        {
            // The manifest is the start of the stream, so an offset in it is a stream offset.
            throw new SnapshotCorruptException($"{this}: chunk at offset {offset} rejected: {e.Message}", ReceiveDirectory, e.Offset ?? offset, e);
        }

        return taken;
    }

    // Creates the files the manifest lists (keeping any a crashed earlier attempt created, cut to length) and removes
    // strays, then syncs the directory so the files exist before any progress record says their bytes are stored.
    private void PrepareDataFiles(SnapshotManifest manifest)
    {
        var wanted = new HashSet<string>(StringComparer.Ordinal) { SnapshotFormat.ManifestFileName };
        foreach (var entry in manifest.Files)
        {
            wanted.Add(entry.Name);
        }

        foreach (string name in _fileSystem.ListFiles(_dataDirectory))
        {
            if (!wanted.Contains(name))
            {
                _fileSystem.DeleteFile(Path.Join(_dataDirectory, name));
            }
        }

        foreach (var entry in manifest.Files)
        {
            string path = Path.Join(_dataDirectory, entry.Name);
            if (!_fileSystem.FileExists(path))
            {
                _fileSystem.OpenFile(path, FileOpenMode.CreateNew).Dispose();
                continue;
            }

            using var file = _fileSystem.OpenFile(path, FileOpenMode.OpenExisting);
            if (file.Length > entry.Length)
            {
                file.SetLength(entry.Length);
                file.Sync();
            }
        }

        _fileSystem.SyncDirectory(_dataDirectory);
    }

    // Writes stream bytes that lie past the manifest into the files they belong to, syncing each file touched.
    private void WriteData(long position, ReadOnlySpan<byte> bytes, SnapshotManifest manifest)
    {
        var files = manifest.Files;
        int index = 0;
        while (!bytes.IsEmpty)
        {
            while (position >= _fileStarts[index] + files[index].Length)
            {
                index++;
            }

            long inFile = position - _fileStarts[index];
            int count = (int)Math.Min(bytes.Length, files[index].Length - inFile);
            using (var file = _fileSystem.OpenFile(Path.Join(_dataDirectory, files[index].Name), FileOpenMode.OpenExisting))
            {
                file.Write(inFile, bytes[..count]);
                file.Sync();
            }

            bytes = bytes[count..];
            position += count;
        }
    }

    private SnapshotCorruptException Corrupt(long offset, string message) =>
        new($"{this}: chunk at offset {offset} rejected: {message}", ReceiveDirectory, offset);

    private void ThrowIfNotReceiving()
    {
        ObjectDisposedException.ThrowIf(_state is State.Disposed, this);
        if (_state is not State.Receiving)
        {
            throw new InvalidOperationException(_state is State.Committed
                ? $"{this} is already committed"
                : $"{this} failed while storing or committing; dispose it and call BeginReceive again to resume from what is durable");
        }
    }
}
