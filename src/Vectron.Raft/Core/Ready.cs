namespace Vectron.Raft.Core;

/// <summary>A node's role.</summary>
public enum RaftRole : byte
{
    /// <summary>Follows a leader (or waits for one).</summary>
    Follower = 0,
    /// <summary>Running a pre-vote: asking whether an election could be won, without changing term.</summary>
    PreCandidate = 1,
    /// <summary>Running an election.</summary>
    Candidate = 2,
    /// <summary>Leads the group.</summary>
    Leader = 3,
}

/// <summary>Volatile state worth reporting when it changes: who leads and this node's role.</summary>
public readonly record struct SoftState(ulong Leader, RaftRole Role);

/// <summary>A read the application may serve once it has applied up to <see cref="Index"/>.</summary>
public readonly record struct ReadState(ulong Index, ulong RequestId);

/// <summary>
/// Everything the core asks of its host in one step. Process it in this order: send
/// <see cref="MessagesBeforePersist"/>; persist <see cref="Snapshot"/>, <see cref="Entries"/> and
/// <see cref="HardState"/> (one synced write); send <see cref="Messages"/>; apply
/// <see cref="Snapshot"/> then <see cref="CommittedEntries"/>; serve <see cref="ReadStates"/> once
/// applied far enough; then call <see cref="RaftNode.Advance"/> with this object.
/// </summary>
public sealed class Ready
{
    /// <summary>The new soft state, or null when unchanged.</summary>
    public SoftState? SoftState { get; init; }

    /// <summary>The hard state to persist, or null when unchanged.</summary>
    public HardState? HardState { get; init; }

    /// <summary>Reads that became servable.</summary>
    public IReadOnlyList<ReadState> ReadStates { get; init; } = [];

    /// <summary>Entries to append to stable storage (they may replace a suffix: truncate from the first index).</summary>
    public IReadOnlyList<Entry> Entries { get; init; } = [];

    /// <summary>A snapshot to persist and apply, or null.</summary>
    public Snapshot? Snapshot { get; init; }

    /// <summary>Entries committed by the group, to apply in order.</summary>
    public IReadOnlyList<Entry> CommittedEntries { get; init; } = [];

    /// <summary>Messages that may be sent before this Ready is persisted (a leader's appends and heartbeats).</summary>
    public IReadOnlyList<Message> MessagesBeforePersist { get; init; } = [];

    /// <summary>Messages that must not leave before this Ready is persisted (votes, acknowledgements).</summary>
    public IReadOnlyList<Message> Messages { get; init; } = [];

    /// <summary>True when the write must be synced (entries, a term or vote change); a commit-only change need not be.</summary>
    public bool MustSync { get; init; }
}
