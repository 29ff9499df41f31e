namespace Vectron.Storage.Snapshots;

/// <summary>A committed snapshot in a <see cref="SnapshotStore"/>: where it is and what its manifest says.</summary>
/// <remarks>Immutable. The directory it names may be deleted once newer snapshots push it out of the store's retention.</remarks>
public sealed class SnapshotInfo
{
    internal SnapshotInfo(string directoryPath, SnapshotManifest manifest)
    {
        DirectoryPath = directoryPath;
        Manifest = manifest;
    }

    /// <summary>The Raft index of the last log entry the snapshot covers.</summary>
    public ulong Index => Manifest.Index;

    /// <summary>The Raft term of that entry.</summary>
    public ulong Term => Manifest.Term;

    /// <summary>The snapshot's directory.</summary>
    public string DirectoryPath { get; }

    /// <summary>The snapshot's manifest.</summary>
    public SnapshotManifest Manifest { get; }

    /// <inheritdoc />
    public override string ToString() => $"snapshot {Index} (term {Term}) at {DirectoryPath}";

    /// <summary>Whether a snapshot covering <paramref name="index"/> and <paramref name="term"/> is newer than <paramref name="other"/> (or there is none).</summary>
    internal static bool IsNewer(ulong index, ulong term, SnapshotInfo? other) =>
        other is null || index > other.Index || (index == other.Index && term > other.Term);
}
