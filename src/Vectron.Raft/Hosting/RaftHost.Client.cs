using System.Buffers.Binary;
using Vectron.Raft.Core;

namespace Vectron.Raft.Hosting;

/// <summary>Client operations: proposals, reads, leadership transfer and membership changes.</summary>
public sealed partial class RaftHost
{
    /// <summary>
    /// Proposes a command and returns the state machine's result once the entry has applied on this
    /// host. A retry with the same client and request id applies at most once and gets the first
    /// result (while the session remembers it). Proposals on a follower are forwarded to the leader.
    /// </summary>
    /// <param name="groupId">The group.</param>
    /// <param name="clientId">The client's session id (non-zero; unique per client).</param>
    /// <param name="requestId">The client's id for this request; reuse it only to retry the same command.</param>
    /// <param name="payload">The command for the state machine.</param>
    /// <param name="cancellationToken">Stops waiting (the proposal may still apply).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="clientId"/> is 0.</exception>
    public Task<RaftResult<ReadOnlyMemory<byte>>> ProposeAsync(ulong groupId, ulong clientId, ulong requestId, ReadOnlyMemory<byte> payload,
        CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfZero(clientId);
        if (_stopped)
        {
            return Task.FromResult(RaftResult<ReadOnlyMemory<byte>>.Failure(RaftOutcome.Stopped));
        }
        var key = (groupId, clientId, requestId);
        if (_proposals.TryGetValue(key, out var existing))
        {
            return existing.Completion.Task.WaitAsync(cancellationToken);
        }
        if (Interlocked.Read(ref _pendingProposalCount) >= _options.MaxPendingProposals)
        {
            return Task.FromResult(RaftResult<ReadOnlyMemory<byte>>.Failure(RaftOutcome.Busy));
        }
        var proposal = new PendingProposal(groupId, clientId, requestId, Interlocked.Read(ref _tick) + _options.OperationTimeoutTicks, Metrics.Now);
        if (!_proposals.TryAdd(key, proposal))
        {
            return _proposals.TryGetValue(key, out existing)
                ? existing.Completion.Task.WaitAsync(cancellationToken)
                : ProposeAsync(groupId, clientId, requestId, payload, cancellationToken);
        }
        Interlocked.Increment(ref _pendingProposalCount);
        var data = EntryEnvelope.Encode(clientId, requestId, payload.Span);
        Post(() =>
        {
            if (!_groups.TryGetValue(groupId, out var group))
            {
                FailProposal(proposal, RaftOutcome.UnknownGroup);
                return;
            }
            if (group.Lane.Backlog >= _options.MaxApplyBacklog)
            {
                FailProposal(proposal, RaftOutcome.Busy);
                return;
            }
            proposal.Group = group;
            group.ProposalAdded();
            NoteActivity(group);
            var result = group.Node.Propose(data);
            if (result != ProposeResult.Accepted)
            {
                FailProposal(proposal, Map(result), group.Node.LeaderId);
                return;
            }
            _deadlines.Enqueue(proposal, proposal.DeadlineTick);
            MarkDirty(group);
        });
        return proposal.Completion.Task.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// Answers a read-only query. <see cref="ReadConsistency.Linearizable"/>: the leader confirms a
    /// read index (Raft §6.4), and the query runs once this replica has applied that far, so it sees
    /// every write acknowledged before it started. <see cref="ReadConsistency.Stale"/>: runs on this
    /// replica's current state.
    /// </summary>
    public Task<RaftResult<ReadOnlyMemory<byte>>> ReadAsync(ulong groupId, ReadOnlyMemory<byte> query, ReadConsistency consistency,
        CancellationToken cancellationToken = default)
    {
        if (_stopped)
        {
            return Task.FromResult(RaftResult<ReadOnlyMemory<byte>>.Failure(RaftOutcome.Stopped));
        }
        var read = new PendingRead(groupId, query, Interlocked.Read(ref _tick) + _options.OperationTimeoutTicks);
        Post(() =>
        {
            if (!_groups.TryGetValue(groupId, out var group))
            {
                read.Fail(RaftOutcome.UnknownGroup);
                return;
            }
            if (consistency == ReadConsistency.Stale)
            {
                group.Lane.EnqueueLookup(query, read.Completion);
                return;
            }
            read.ReadId = ++_nextReadId;
            NoteActivity(group);
            var result = group.Node.ReadIndex(read.ReadId);
            if (result != ProposeResult.Accepted)
            {
                read.Fail(Map(result), group.Node.LeaderId);
                return;
            }
            group.Reads[read.ReadId] = read;
            _deadlines.Enqueue(read, read.DeadlineTick);
            MarkDirty(group);
        });
        return read.Completion.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Asks this host's replica, which must lead, to hand leadership to <paramref name="target"/>; completes when this host sees the target lead.</summary>
    public Task<RaftResult<ulong>> TransferLeadershipAsync(ulong groupId, ulong target, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfZero(target);
        var transfer = new PendingTransfer(groupId, target, Interlocked.Read(ref _tick) + _options.OperationTimeoutTicks);
        Post(() =>
        {
            if (!_groups.TryGetValue(groupId, out var group))
            {
                transfer.Fail(RaftOutcome.UnknownGroup);
                return;
            }
            if (group.Node.Role != RaftRole.Leader)
            {
                transfer.Fail(RaftOutcome.NotLeader, group.Node.LeaderId);
                return;
            }
            if (target == NodeId)
            {
                transfer.Completion.TrySetResult(RaftResult<ulong>.Success(NodeId));
                return;
            }
            group.Transfers.Add(transfer);
            _deadlines.Enqueue(transfer, transfer.DeadlineTick);
            NoteActivity(group);
            group.Node.TransferLeader(target);
            MarkDirty(group);
        });
        return transfer.Completion.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Adds <paramref name="nodeId"/> as a voter (or promotes a learner).</summary>
    public Task<RaftResult<ConfState>> AddVoterAsync(ulong groupId, ulong nodeId, CancellationToken cancellationToken = default) =>
        ChangeMembershipAsync(groupId, new ConfChange([new ConfChangeSingle(ConfChangeType.AddNode, nodeId)]), cancellationToken);

    /// <summary>Adds <paramref name="nodeId"/> as a learner (receives the log, never votes).</summary>
    public Task<RaftResult<ConfState>> AddLearnerAsync(ulong groupId, ulong nodeId, CancellationToken cancellationToken = default) =>
        ChangeMembershipAsync(groupId, new ConfChange([new ConfChangeSingle(ConfChangeType.AddLearner, nodeId)]), cancellationToken);

    /// <summary>Removes a voter or learner.</summary>
    public Task<RaftResult<ConfState>> RemoveMemberAsync(ulong groupId, ulong nodeId, CancellationToken cancellationToken = default) =>
        ChangeMembershipAsync(groupId, new ConfChange([new ConfChangeSingle(ConfChangeType.RemoveNode, nodeId)]), cancellationToken);

    /// <summary>
    /// Proposes a membership change through this host's replica, which must lead; completes with the
    /// membership after it once it applied here. Several operations (or an explicit transition) go
    /// through joint consensus; <see cref="ConfChange.LeaveJoint"/> leaves an explicit joint state.
    /// The change's context is replaced by the host's own (it names the waiting caller).
    /// </summary>
    public Task<RaftResult<ConfState>> ChangeMembershipAsync(ulong groupId, ConfChange change, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (_stopped)
        {
            return Task.FromResult(RaftResult<ConfState>.Failure(RaftOutcome.Stopped));
        }
        var operationId = (ulong)Interlocked.Increment(ref _nextOperationId);
        var pending = new PendingConfChange(operationId, 0);
        _confChanges[operationId] = pending;
        Post(() =>
        {
            if (!_groups.TryGetValue(groupId, out var group))
            {
                FailConfChange(pending, RaftOutcome.UnknownGroup);
                return;
            }
            if (group.Node.Role != RaftRole.Leader)
            {
                FailConfChange(pending, RaftOutcome.NotLeader, group.Node.LeaderId);
                return;
            }
            var context = new byte[16];
            BinaryPrimitives.WriteUInt64LittleEndian(context, NodeId);
            BinaryPrimitives.WriteUInt64LittleEndian(context.AsSpan(8), operationId);
            NoteActivity(group);
            var result = group.Node.ProposeConfChange(change with { Context = context });
            if (result != ProposeResult.Accepted)
            {
                FailConfChange(pending, Map(result), group.Node.LeaderId);
                return;
            }
            _deadlines.Enqueue(pending, Interlocked.Read(ref _tick) + _options.OperationTimeoutTicks);
            MarkDirty(group);
        });
        return pending.Completion.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Called by an apply lane when an entry with this key applied (or was refused as expired).</summary>
    internal void CompleteProposal(ulong groupId, ulong clientId, ulong requestId, RaftResult<ReadOnlyMemory<byte>> result)
    {
        if (_proposals.TryRemove((groupId, clientId, requestId), out var proposal))
        {
            Interlocked.Decrement(ref _pendingProposalCount);
            proposal.Group?.ProposalEnded();
            proposal.Completion.TrySetResult(result);
        }
    }

    /// <summary>Called by an apply lane when a change proposed through this host applied (null: Raft refused it).</summary>
    internal void CompleteConfChange(ulong operationId, ConfState? state)
    {
        if (_confChanges.TryRemove(operationId, out var pending))
        {
            pending.Completion.TrySetResult(state is null ? RaftResult<ConfState>.Failure(RaftOutcome.ConfChangeRefused) : RaftResult<ConfState>.Success(state));
        }
    }

    /// <summary>Called by an apply lane after it saved a snapshot payload: record it and compact in the next write.</summary>
    internal void OnSnapshotTaken(ulong groupId, SnapshotMetadata metadata) => Post(() =>
    {
        if (_groups.TryGetValue(groupId, out var group))
        {
            if (group.SnapshotToRecord is null || group.SnapshotToRecord.Index < metadata.Index)
            {
                group.SnapshotToRecord = metadata;
            }
            MarkDirty(group);
        }
    });

    /// <summary>Called by an apply lane whose state machine threw.</summary>
    internal void OnApplyFailed(ulong groupId, Exception exception) => RaftHostLog.ApplyFailed(_logger, exception, NodeId, groupId);

    internal void OnSnapshotSaveFailed(ulong groupId, ulong index, Exception exception) =>
        RaftHostLog.SnapshotSaveFailed(_logger, exception, NodeId, groupId, index, _options.SnapshotEveryEntries);

    private void FailProposal(PendingProposal proposal, RaftOutcome outcome, ulong leaderHint = 0)
    {
        var key = (proposal.GroupId, proposal.ClientId, proposal.RequestId);
        if (_proposals.TryRemove(new KeyValuePair<(ulong, ulong, ulong), PendingProposal>(key, proposal)))
        {
            Interlocked.Decrement(ref _pendingProposalCount);
            proposal.Group?.ProposalEnded();
            proposal.Fail(outcome, leaderHint);
        }
    }

    private void FailConfChange(PendingConfChange pending, RaftOutcome outcome, ulong leaderHint = 0)
    {
        if (_confChanges.TryRemove(new KeyValuePair<ulong, PendingConfChange>(pending.OperationId, pending)))
        {
            pending.Fail(outcome, leaderHint);
        }
    }

    private static RaftOutcome Map(ProposeResult result) => result switch
    {
        ProposeResult.ConfChangeRefused => RaftOutcome.ConfChangeRefused,
        ProposeResult.TooManyUncommittedBytes => RaftOutcome.Busy,
        _ => RaftOutcome.Dropped,
    };
}
