namespace Vectron.Raft.Hosting;

/// <summary>How a client operation on a <see cref="RaftHost"/> ended. Everything but <see cref="Ok"/> is an expected failure.</summary>
public enum RaftOutcome : byte
{
    /// <summary>Done; the result holds the value.</summary>
    Ok = 0,
    /// <summary>This replica is not the leader; <see cref="RaftResult{T}.LeaderHint"/> names the leader when known (0: unknown).</summary>
    NotLeader = 1,
    /// <summary>No group with that id runs on this host.</summary>
    UnknownGroup = 2,
    /// <summary>No answer within the timeout; a proposal may still commit later (retry with the same request id).</summary>
    Timeout = 3,
    /// <summary>Raft dropped the request (no leader known, leadership transfer in progress, or leader overloaded); retry.</summary>
    Dropped = 4,
    /// <summary>The group's apply backlog or pending proposals are at their cap; retry after a back-off.</summary>
    Busy = 5,
    /// <summary>The membership change was refused (another is pending, or it is invalid for the current membership).</summary>
    ConfChangeRefused = 6,
    /// <summary>The request id is older than what the client session remembers: whether it applied is no longer known.</summary>
    SessionExpired = 7,
    /// <summary>The host or group is stopping.</summary>
    Stopped = 8,
}
