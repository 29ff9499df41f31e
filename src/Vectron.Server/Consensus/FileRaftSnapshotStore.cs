using System.Buffers.Binary;
using System.Globalization;
using Vectron.Checksums;
using Vectron.Raft.Core;
using Vectron.Raft.Hosting;
using Vectron.Storage.Files;

namespace Vectron.Server.Consensus;

/// <summary>
/// <see cref="IRaftSnapshotStore"/> on disk: one file per snapshot payload, <c>{root}/{group:x16}/{index:x16}.snap</c>
/// (docs/formats/raft.md, "snapshot payload file"): a checksummed header naming the group, index and term, then the
/// payload and its CRC-32C. A payload is written under a temporary name, synced, renamed into place and the directory
/// synced, so a crash leaves the whole payload or none of it; <see cref="SaveAsync"/> returns only after all of that.
/// </summary>
/// <remarks>
/// Thread-safe (apply lanes save, the consensus loop loads and releases). Deletions by <see cref="Release"/> are not
/// synced: a payload that comes back after a crash is only garbage, deleted by the next release of its group.
/// Temporary files of interrupted saves are deleted on open.
/// </remarks>
public sealed class FileRaftSnapshotStore : IRaftSnapshotStore
{
    /// <summary>The size of the header before the payload, in bytes.</summary>
    public const int HeaderSize = 48;

    private const uint Magic = 0x50535256; // "VRSP" little-endian
    private const byte Version = 1;
    private const string Extension = ".snap";
    private const string TemporaryMarker = ".tmp-";

    private readonly IFileSystem _fileSystem;
    private readonly Lock _lock = new();
    private readonly Dictionary<ulong, SortedSet<ulong>> _held = [];
    private long _temporaryCounter;

    private FileRaftSnapshotStore(IFileSystem fileSystem, string directory)
    {
        _fileSystem = fileSystem;
        RootDirectory = directory;
    }

    /// <summary>The directory holding one subdirectory per group.</summary>
    public string RootDirectory { get; }

    /// <summary>
    /// Opens (creating it durably if needed) the store in <paramref name="directory"/>: finds the payloads held and
    /// deletes temporary files of saves a crash interrupted. Names the store does not use are left alone.
    /// </summary>
    /// <exception cref="IOException">The file system failed.</exception>
    public static FileRaftSnapshotStore Open(IFileSystem fileSystem, string directory)
    {
        ArgumentNullException.ThrowIfNull(fileSystem);
        ArgumentException.ThrowIfNullOrEmpty(directory);
        fileSystem.CreateDirectoryDurably(directory);
        var store = new FileRaftSnapshotStore(fileSystem, directory);
        foreach (string groupName in fileSystem.ListDirectories(directory))
        {
            if (!TryParseHex(groupName, out ulong groupId))
            {
                continue;
            }

            string groupDirectory = Path.Join(directory, groupName);
            foreach (string name in fileSystem.ListFiles(groupDirectory))
            {
                if (name.Contains(TemporaryMarker, StringComparison.Ordinal))
                {
                    fileSystem.DeleteFile(Path.Join(groupDirectory, name));
                }
                else if (name.EndsWith(Extension, StringComparison.Ordinal) && TryParseHex(name[..^Extension.Length], out ulong index))
                {
                    store.HeldOf(groupId).Add(index);
                }
            }
        }

        return store;
    }

    /// <summary>The indexes of the payloads held for <paramref name="groupId"/>, ascending.</summary>
    public IReadOnlyList<ulong> HeldIndexes(ulong groupId)
    {
        lock (_lock)
        {
            return _held.TryGetValue(groupId, out var held) ? [.. held] : [];
        }
    }

    /// <inheritdoc />
    /// <exception cref="IOException">Writing or syncing failed; the payload is not saved (nothing under its name changed).</exception>
    public ValueTask SaveAsync(ulong groupId, SnapshotMetadata metadata, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        cancellationToken.ThrowIfCancellationRequested();
        string groupDirectory = GroupDirectory(groupId);
        bool newGroup;
        lock (_lock)
        {
            newGroup = !_held.ContainsKey(groupId);
        }

        if (newGroup)
        {
            _fileSystem.CreateDirectoryDurably(groupDirectory);
        }

        string final = PathOf(groupId, metadata.Index);
        string temporary = final + TemporaryMarker + Interlocked.Increment(ref _temporaryCounter).ToString(CultureInfo.InvariantCulture);
        var header = new byte[HeaderSize];
        EncodeHeader(header, groupId, metadata.Index, metadata.Term, payload.Span);
        try
        {
            using (var file = _fileSystem.OpenFile(temporary, FileOpenMode.CreateNew))
            {
                file.Write(0, [header, payload]);
                file.Sync();
            }

            _fileSystem.Rename(temporary, final);
            _fileSystem.SyncDirectory(groupDirectory);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }

        lock (_lock)
        {
            HeldOf(groupId).Add(metadata.Index);
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public void Release(ulong groupId, ulong index)
    {
        List<ulong> obsolete;
        lock (_lock)
        {
            if (!_held.TryGetValue(groupId, out var held))
            {
                return;
            }

            obsolete = [.. held.Where(i => i < index)];
            foreach (ulong old in obsolete)
            {
                held.Remove(old);
            }
        }

        foreach (ulong old in obsolete)
        {
            TryDelete(PathOf(groupId, old));
        }
    }

    /// <inheritdoc />
    /// <exception cref="LogFormatException">The file is there but damaged: its header, length or checksum is wrong (the message names the file).</exception>
    /// <exception cref="IOException">Reading failed.</exception>
    public bool TryLoad(ulong groupId, ulong index, out ReadOnlyMemory<byte> payload)
    {
        payload = default;
        lock (_lock)
        {
            if (!_held.TryGetValue(groupId, out var held) || !held.Contains(index))
            {
                return false;
            }
        }

        string path = PathOf(groupId, index);
        byte[] bytes;
        try
        {
            using var file = _fileSystem.OpenFile(path, FileOpenMode.ReadOnly);
            if (file.Length > int.MaxValue)
            {
                throw new LogFormatException($"snapshot payload {path}: {file.Length} bytes is more than one payload can hold");
            }

            bytes = new byte[file.Length];
            int read = file.Read(0, bytes);
            if (read != bytes.Length)
            {
                throw new LogFormatException($"snapshot payload {path}: read {read} of {bytes.Length} bytes");
            }
        }
        catch (FileNotFoundException)
        {
            return false;
        }

        payload = Decode(path, bytes, groupId, index).Payload;
        return true;
    }

    /// <summary>Decodes a payload file, checking everything the header promises; throws <see cref="LogFormatException"/> naming what is wrong.</summary>
    internal static (ulong Term, ReadOnlyMemory<byte> Payload) Decode(string path, byte[] bytes, ulong groupId, ulong index)
    {
        if (bytes.Length < HeaderSize)
        {
            throw new LogFormatException($"snapshot payload {path}: {bytes.Length} bytes is shorter than the {HeaderSize}-byte header (a truncated file)");
        }

        var header = bytes.AsSpan(0, HeaderSize);
        if (Crc32C.Compute(header[..44]) != BinaryPrimitives.ReadUInt32LittleEndian(header[44..]))
        {
            throw new LogFormatException($"snapshot payload {path}: header checksum mismatch");
        }

        if (BinaryPrimitives.ReadUInt32LittleEndian(header) != Magic)
        {
            throw new LogFormatException($"snapshot payload {path}: not a snapshot payload file (bad magic)");
        }

        if (header[4] != Version)
        {
            throw new LogFormatException($"snapshot payload {path}: unknown version {header[4]} (this build reads version {Version})");
        }

        ulong fileGroup = BinaryPrimitives.ReadUInt64LittleEndian(header[8..]);
        ulong fileIndex = BinaryPrimitives.ReadUInt64LittleEndian(header[16..]);
        if (fileGroup != groupId || fileIndex != index)
        {
            throw new LogFormatException($"snapshot payload {path}: holds group {fileGroup} index {fileIndex}, its name says group {groupId} index {index}");
        }

        ulong term = BinaryPrimitives.ReadUInt64LittleEndian(header[24..]);
        ulong length = BinaryPrimitives.ReadUInt64LittleEndian(header[32..]);
        if (length != (ulong)(bytes.Length - HeaderSize))
        {
            throw new LogFormatException($"snapshot payload {path}: the header says {length} payload bytes, the file has {bytes.Length - HeaderSize}");
        }

        var payload = bytes.AsMemory(HeaderSize);
        if (Crc32C.Compute(payload.Span) != BinaryPrimitives.ReadUInt32LittleEndian(header[40..]))
        {
            throw new LogFormatException($"snapshot payload {path}: payload checksum mismatch");
        }

        return (term, payload);
    }

    private static void EncodeHeader(Span<byte> header, ulong groupId, ulong index, ulong term, ReadOnlySpan<byte> payload)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(header, Magic);
        header[4] = Version;
        header[5..8].Clear();
        BinaryPrimitives.WriteUInt64LittleEndian(header[8..], groupId);
        BinaryPrimitives.WriteUInt64LittleEndian(header[16..], index);
        BinaryPrimitives.WriteUInt64LittleEndian(header[24..], term);
        BinaryPrimitives.WriteUInt64LittleEndian(header[32..], (ulong)payload.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header[40..], Crc32C.Compute(payload));
        BinaryPrimitives.WriteUInt32LittleEndian(header[44..], Crc32C.Compute(header[..44]));
    }

    private static bool TryParseHex(string text, out ulong value) =>
        ulong.TryParse(text, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value) && text.Length == 16;

    private SortedSet<ulong> HeldOf(ulong groupId)
    {
        if (!_held.TryGetValue(groupId, out var held))
        {
            held = [];
            _held[groupId] = held;
        }

        return held;
    }

    private string GroupDirectory(ulong groupId) => Path.Join(RootDirectory, groupId.ToString("x16", CultureInfo.InvariantCulture));

    private string PathOf(ulong groupId, ulong index) =>
        Path.Join(GroupDirectory(groupId), index.ToString("x16", CultureInfo.InvariantCulture) + Extension);

    private void TryDelete(string path)
    {
        try
        {
            _fileSystem.DeleteFile(path);
        }
        catch (IOException)
        {
            // Garbage left behind: a temporary name is deleted on the next open, an old payload on the next release.
        }
    }
}
