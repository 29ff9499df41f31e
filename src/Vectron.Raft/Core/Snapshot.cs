namespace Vectron.Raft.Core;

/// <summary>Where a snapshot sits in the log and the membership it carries.</summary>
public sealed record SnapshotMetadata(ulong Index, ulong Term, ConfState ConfState);

/// <summary>
/// A snapshot as the core sees it: metadata plus opaque <see cref="Data"/>. The state machine's bytes
/// are streamed by the host; <see cref="Data"/> is small (for example a handle naming the snapshot).
/// </summary>
public sealed record Snapshot(SnapshotMetadata Metadata, ReadOnlyMemory<byte> Data)
{
    /// <summary>The log index the snapshot covers up to.</summary>
    public ulong Index => Metadata.Index;

    /// <summary>The term of the entry at <see cref="Index"/>.</summary>
    public ulong Term => Metadata.Term;
}
