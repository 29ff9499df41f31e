namespace Vectron.Raft.Core;

/// <summary>
/// One Raft message. Immutable once handed to the core or returned in a <see cref="Ready"/>; the
/// fields that matter depend on <see cref="Type"/> (see the comments on <see cref="MessageType"/>).
/// </summary>
public sealed record Message
{
    /// <summary>What the message is.</summary>
    public MessageType Type { get; init; }

    /// <summary>The destination node.</summary>
    public ulong To { get; init; }

    /// <summary>The sending node.</summary>
    public ulong From { get; init; }

    /// <summary>The sender's term (0 for local messages and proposals).</summary>
    public ulong Term { get; init; }

    /// <summary>Term of the entry at <see cref="Index"/> (append: the entry before the new ones; vote: the candidate's last).</summary>
    public ulong LogTerm { get; init; }

    /// <summary>An index whose meaning depends on the type (see <see cref="MessageType"/>).</summary>
    public ulong Index { get; init; }

    /// <summary>Entries carried (append, propose).</summary>
    public IReadOnlyList<Entry> Entries { get; init; } = [];

    /// <summary>The sender's commit index (append, heartbeat).</summary>
    public ulong Commit { get; init; }

    /// <summary>The snapshot to install (snapshot messages only).</summary>
    public Snapshot? Snapshot { get; init; }

    /// <summary>True when the request was refused.</summary>
    public bool Reject { get; init; }

    /// <summary>On a rejected append: the follower's best guess of where the logs can match.</summary>
    public ulong RejectHint { get; init; }

    /// <summary>On a rejected append: the term of the follower's entry at <see cref="RejectHint"/>.</summary>
    public ulong RejectHintTerm { get; init; }

    /// <summary>Read-index request id (read index, heartbeat rounds confirming it).</summary>
    public ulong Context { get; init; }

    /// <summary>On a vote request: the election was started by a leadership transfer, so it overrides leases.</summary>
    public bool LeaderTransfer { get; init; }

    /// <summary>Approximate encoded size of the entries carried, for flow control.</summary>
    public long EntriesBytes()
    {
        long total = 0;
        foreach (var entry in Entries)
        {
            total += entry.PayloadSize;
        }
        return total;
    }
}
