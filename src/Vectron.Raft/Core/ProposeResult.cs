namespace Vectron.Raft.Core;

/// <summary>The core's answer to a proposal. Anything but <see cref="Accepted"/> means nothing was appended.</summary>
public enum ProposeResult : byte
{
    /// <summary>Appended to the leader's log (or forwarded to the leader).</summary>
    Accepted = 0,
    /// <summary>No leader is known, forwarding is disabled, or this node left the group: retry elsewhere or later.</summary>
    Dropped = 1,
    /// <summary>A leadership transfer is in progress; retry once it finishes.</summary>
    TransferInProgress = 2,
    /// <summary>The leader holds too many uncommitted bytes; retry after a back-off.</summary>
    TooManyUncommittedBytes = 3,
    /// <summary>A membership change is refused: one is already pending, or it is invalid for the current configuration.</summary>
    ConfChangeRefused = 4,
}

/// <summary>A snapshot of one follower's replication progress, for status and tests.</summary>
public readonly record struct ProgressStatus(ulong Match, ulong Next, Tracking.ProgressState State, bool IsLearner, bool RecentActive, int Inflight);

/// <summary>A node's state at one moment, for status pages, metrics and tests.</summary>
public sealed record RaftStatus(
    ulong Id,
    HardState HardState,
    ulong Applied,
    RaftRole Role,
    ulong Leader,
    ulong LeadTransferee,
    ConfState Config,
    IReadOnlyDictionary<ulong, ProgressStatus> Progress);
