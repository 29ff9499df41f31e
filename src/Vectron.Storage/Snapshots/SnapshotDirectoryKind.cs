namespace Vectron.Storage.Snapshots;

/// <summary>What a directory in the store holds, told by its name's suffix.</summary>
internal enum SnapshotDirectoryKind
{
    /// <summary>A committed snapshot: no suffix.</summary>
    Committed,

    /// <summary>A local snapshot being written: <c>.tmp</c>.</summary>
    Writing,

    /// <summary>A snapshot being received from a stream: <c>.receiving</c>.</summary>
    Receiving,
}
