namespace Vectron.Raft.Core;

/// <summary>The kinds of message the core steps. Local kinds never leave the node.</summary>
public enum MessageType : byte
{
    /// <summary>Local: start an election (pre-vote first when enabled).</summary>
    Hup = 0,
    /// <summary>Local: the leader's heartbeat timer fired.</summary>
    Beat = 1,
    /// <summary>A proposal of entries, local or forwarded to the leader.</summary>
    Propose = 2,
    /// <summary>Leader to follower: entries following (Index, LogTerm), and the commit index.</summary>
    Append = 3,
    /// <summary>Follower to leader: the append was accepted (Index = last matching) or rejected (RejectHint).</summary>
    AppendResponse = 4,
    /// <summary>A candidate asks for a vote (Index, LogTerm = its last entry).</summary>
    Vote = 5,
    /// <summary>The answer to <see cref="Vote"/>.</summary>
    VoteResponse = 6,
    /// <summary>Leader to follower: install this snapshot.</summary>
    Snapshot = 7,
    /// <summary>Leader to follower: keep-alive carrying the commit index the follower can safely take.</summary>
    Heartbeat = 8,
    /// <summary>The answer to <see cref="Heartbeat"/>.</summary>
    HeartbeatResponse = 9,
    /// <summary>Local: a peer could not be reached; the leader probes it again.</summary>
    Unreachable = 10,
    /// <summary>Local: the outcome of sending a snapshot (Reject = failed).</summary>
    SnapshotStatus = 11,
    /// <summary>Local: the leader checks it heard from a quorum within an election timeout.</summary>
    CheckQuorum = 12,
    /// <summary>Ask the leader to transfer leadership to From.</summary>
    TransferLeader = 13,
    /// <summary>Leader to transfer target: campaign now, ignoring the election timer.</summary>
    TimeoutNow = 14,
    /// <summary>A linearizable read request (Context identifies it).</summary>
    ReadIndex = 15,
    /// <summary>The leader's answer to a forwarded <see cref="ReadIndex"/>: the read may be served at Index.</summary>
    ReadIndexResponse = 16,
    /// <summary>A pre-candidate asks whether it could win (no term change on the receiver).</summary>
    PreVote = 17,
    /// <summary>The answer to <see cref="PreVote"/>.</summary>
    PreVoteResponse = 18,
}

/// <summary>Helpers over <see cref="MessageType"/>.</summary>
public static class MessageTypes
{
    /// <summary>True for kinds that are only ever stepped on the node that created them.</summary>
    public static bool IsLocal(MessageType type) => type is MessageType.Hup or MessageType.Beat or MessageType.Unreachable
        or MessageType.SnapshotStatus or MessageType.CheckQuorum;

    /// <summary>True for kinds that answer a request.</summary>
    public static bool IsResponse(MessageType type) => type is MessageType.AppendResponse or MessageType.VoteResponse
        or MessageType.HeartbeatResponse or MessageType.Unreachable or MessageType.ReadIndexResponse
        or MessageType.PreVoteResponse;

    /// <summary>The response kind of a vote request kind.</summary>
    public static MessageType VoteResponseFor(MessageType type) => type switch
    {
        MessageType.Vote => MessageType.VoteResponse,
        MessageType.PreVote => MessageType.PreVoteResponse,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "not a vote request"),
    };
}
