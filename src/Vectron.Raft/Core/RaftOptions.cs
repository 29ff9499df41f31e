namespace Vectron.Raft.Core;

/// <summary>How linearizable reads are confirmed.</summary>
public enum ReadOnlyMode : byte
{
    /// <summary>ReadIndex: the leader confirms leadership with a heartbeat round before answering.</summary>
    Safe = 0,
    /// <summary>
    /// Lease: the leader answers from its lease without a round trip. Correct only while clocks drift
    /// less than the election timeout; requires <see cref="RaftOptions.CheckQuorum"/>.
    /// </summary>
    LeaseBased = 1,
}

/// <summary>Configuration of one Raft node. Validated by <see cref="Validate"/> when a node is created.</summary>
public sealed record RaftOptions
{
    /// <summary>This node's id (non-zero, never reused).</summary>
    public required ulong Id { get; init; }

    /// <summary>Ticks without hearing from a leader before a follower campaigns; the actual timeout is randomized in [E, 2E).</summary>
    public int ElectionTicks { get; init; } = 10;

    /// <summary>Ticks between a leader's heartbeats.</summary>
    public int HeartbeatTicks { get; init; } = 1;

    /// <summary>The last applied index when restarting (entries up to it are not returned again).</summary>
    public ulong Applied { get; init; }

    /// <summary>Upper bound on the entry bytes of one append message (at least one entry is always sent).</summary>
    public long MaxMessageBytes { get; init; } = 1 << 20;

    /// <summary>Upper bound on the committed entry bytes returned in one <see cref="Ready"/> (at least one).</summary>
    public long MaxCommittedBytesPerReady { get; init; } = 64L << 20;

    /// <summary>Cap on the bytes of entries the leader has appended but not committed; proposals beyond it are refused.</summary>
    public long MaxUncommittedBytes { get; init; } = 64L << 20;

    /// <summary>Cap on append messages in flight to one follower.</summary>
    public int MaxInflightMessages { get; init; } = 256;

    /// <summary>Cap on entry bytes in flight to one follower (0: no byte cap).</summary>
    public long MaxInflightBytes { get; init; } = 32L << 20;

    /// <summary>The leader steps down when it has not heard from a quorum within an election timeout.</summary>
    public bool CheckQuorum { get; init; } = true;

    /// <summary>Elections start with a pre-vote round that does not disturb the term.</summary>
    public bool PreVote { get; init; } = true;

    /// <summary>How reads are confirmed.</summary>
    public ReadOnlyMode ReadOnly { get; init; } = ReadOnlyMode.Safe;

    /// <summary>When true a follower refuses proposals instead of forwarding them to the leader.</summary>
    public bool DisableProposalForwarding { get; init; }

    /// <summary>A leader removed from the configuration steps down once the removal is applied.</summary>
    public bool StepDownOnRemoval { get; init; } = true;

    /// <summary>
    /// When an entry commits, the leader does not send each follower an append just to carry the new commit index
    /// (etcd does): the next append carries it, or, when none comes first, the leader's next tick. Followers learn of a
    /// commit up to one tick later, and a write that comes alone costs half the messages (two instead of four from the
    /// leader, two instead of four acknowledgements back, in a group of three). Safety does not depend on when
    /// followers learn the commit index.
    /// </summary>
    public bool DeferCommitBroadcast { get; init; }

    /// <summary>Ticks a leadership transfer may take before it is abandoned (0: one election timeout).</summary>
    public int TransferTimeoutTicks { get; init; }

    /// <summary>The source of randomness (election timeouts). Seed it for deterministic runs.</summary>
    public required Random Random { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad setting.</summary>
    public void Validate()
    {
        if (Id == 0)
        {
            throw new ArgumentException("Id must be non-zero (0 means \"none\" in Raft messages)");
        }
        if (HeartbeatTicks <= 0)
        {
            throw new ArgumentException($"HeartbeatTicks must be positive, not {HeartbeatTicks}");
        }
        if (ElectionTicks <= HeartbeatTicks)
        {
            throw new ArgumentException($"ElectionTicks ({ElectionTicks}) must be greater than HeartbeatTicks ({HeartbeatTicks})");
        }
        if (MaxInflightMessages <= 0)
        {
            throw new ArgumentException($"MaxInflightMessages must be positive, not {MaxInflightMessages}");
        }
        if (MaxMessageBytes <= 0 || MaxCommittedBytesPerReady <= 0 || MaxUncommittedBytes <= 0 || MaxInflightBytes < 0)
        {
            throw new ArgumentException("message, committed, uncommitted and in-flight byte limits must be positive");
        }
        if (MaxInflightBytes != 0 && MaxInflightBytes < MaxMessageBytes)
        {
            throw new ArgumentException($"MaxInflightBytes ({MaxInflightBytes}) must be at least MaxMessageBytes ({MaxMessageBytes})");
        }
        if (ReadOnly == ReadOnlyMode.LeaseBased && !CheckQuorum)
        {
            throw new ArgumentException("lease-based reads require CheckQuorum: without it a deposed leader could serve stale reads");
        }
        if (TransferTimeoutTicks < 0)
        {
            throw new ArgumentException($"TransferTimeoutTicks must not be negative, not {TransferTimeoutTicks}");
        }
    }
}
