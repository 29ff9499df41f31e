using Vectron.Raft.Core;

namespace Vectron.Raft.Hosting;

/// <summary>
/// One group as the consensus loop holds it: the Raft node, its storage view, its apply lane, and
/// the loop's bookkeeping (quiescence, reads waiting for applies, pending transfers). Touched only
/// by the loop thread.
/// </summary>
internal sealed class RaftGroup
{
    // Proposals of this host waiting for their result (changed from any thread).
    private int _pendingProposals;

    public RaftGroup(ulong groupId, RaftNode node, IRaftStorage storage, ApplyLane lane, ulong handedOff)
    {
        GroupId = groupId;
        Node = node;
        Storage = storage;
        Lane = lane;
        HandedOff = handedOff;
    }

    public IRaftStorage Storage { get; }

    public int PendingProposals => Volatile.Read(ref _pendingProposals);

    public void ProposalAdded() => Interlocked.Increment(ref _pendingProposals);

    public void ProposalEnded() => Interlocked.Decrement(ref _pendingProposals);

    public ulong GroupId { get; }

    public RaftNode Node { get; }

    public ApplyLane Lane { get; }

    /// <summary>The last index handed to the apply lane (committed entries or a snapshot).</summary>
    public ulong HandedOff { get; set; }

    /// <summary>True while the group is in the loop's dirty list for this iteration.</summary>
    public bool Dirty { get; set; }

    /// <summary>True while the group does not tick (see the host's quiescence rule).</summary>
    public bool Quiesced { get; set; }

    /// <summary>Consecutive ticks without activity.</summary>
    public int IdleTicks { get; set; }

    /// <summary>Something other than heartbeats happened since the last tick.</summary>
    public bool Active { get; set; } = true;

    /// <summary>The leader last reported in a soft state (0: none).</summary>
    public ulong Leader { get; set; }

    /// <summary>A snapshot the lane took, to record (and compact behind) in the next log write.</summary>
    public SnapshotMetadata? SnapshotToRecord { get; set; }

    /// <summary>
    /// The newest hard state whose only change was the commit index, not yet written: it rides along
    /// with the next write that must be synced anyway (see RaftHost.BuildUpdate).
    /// </summary>
    public HardState? UnwrittenHardState { get; set; }

    /// <summary>Linearizable reads sent as ReadIndex requests, by request id.</summary>
    public Dictionary<ulong, PendingRead> Reads { get; } = [];

    /// <summary>Reads whose read index is known, waiting until it is handed to the lane (ordered by index).</summary>
    public List<(ulong Index, PendingRead Read)> ReadsWaitingForApply { get; } = [];

    /// <summary>Leadership transfers requested through this host.</summary>
    public List<PendingTransfer> Transfers { get; } = [];

    /// <summary>True while this host has reads or transfers in flight for the group.</summary>
    public bool HasPendingOperations => Reads.Count > 0 || ReadsWaitingForApply.Count > 0 || Transfers.Count > 0;
}
