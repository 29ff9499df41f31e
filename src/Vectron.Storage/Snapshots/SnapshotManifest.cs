namespace Vectron.Storage.Snapshots;

/// <summary>
/// What a snapshot holds: the Raft index and term it covers and its files, in order, with their lengths and checksums.
/// Stored as the snapshot's <c>MANIFEST</c> file and sent first in its stream (docs/formats/snapshot.md).
/// </summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed class SnapshotManifest
{
    private readonly byte[] _encoded;

    internal SnapshotManifest(ulong index, ulong term, IReadOnlyList<SnapshotFileEntry> files, byte[] encoded)
    {
        Index = index;
        Term = term;
        Files = files;
        _encoded = encoded;
        long data = 0;
        foreach (var file in files)
        {
            data = checked(data + file.Length);
        }

        DataLength = data;
    }

    /// <summary>The format version of the manifest and the stream this build writes and reads.</summary>
    public static int FormatVersion => (int)SnapshotFormat.Version;

    /// <summary>The Raft index of the last log entry the snapshot covers.</summary>
    public ulong Index { get; }

    /// <summary>The Raft term of that entry.</summary>
    public ulong Term { get; }

    /// <summary>The snapshot's files in manifest order (the order they were added, and the order they are streamed).</summary>
    public IReadOnlyList<SnapshotFileEntry> Files { get; }

    /// <summary>The length in bytes of the encoded manifest, which is also where the first file starts in the stream.</summary>
    public int EncodedLength => _encoded.Length;

    /// <summary>The total length of the snapshot's files.</summary>
    public long DataLength { get; }

    /// <summary>The length of the snapshot's stream: the manifest, then every file.</summary>
    public long StreamLength => EncodedLength + DataLength;

    /// <summary>The encoded manifest (the bytes of the <c>MANIFEST</c> file). Callers must not modify it.</summary>
    internal byte[] Encoded => _encoded;

    /// <summary>Finds a file by name (ordinal comparison).</summary>
    public bool TryGetFile(string name, out SnapshotFileEntry entry)
    {
        foreach (var file in Files)
        {
            if (string.Equals(file.Name, name, StringComparison.Ordinal))
            {
                entry = file;
                return true;
            }
        }

        entry = default;
        return false;
    }
}
