using Vectron.Raft.Core;

namespace Vectron.Raft.Hosting;

/// <summary>The consensus loop: one iteration steps, persists, sends and hands over for every group with work.</summary>
public sealed partial class RaftHost
{
    /// <summary>
    /// One iteration: run queued commands, step received messages and snapshots, process ticks, then
    /// for every group with a Ready: send what may leave before persistence, persist all groups in one
    /// write, send the rest, hand snapshots and committed entries to the apply lanes, and advance.
    /// Returns true when more work is already waiting.
    /// </summary>
    internal async ValueTask<bool> ProcessOnceAsync(CancellationToken cancellationToken)
    {
        while (_commands.TryDequeue(out var command))
        {
            await command().ConfigureAwait(false);
        }
        while (_incoming.TryDequeue(out var batch))
        {
            StepBatch(batch);
        }
        while (_incomingChunks.TryDequeue(out var received))
        {
            await ReceiveSnapshotChunkAsync(received.From, received.Chunk, cancellationToken).ConfigureAwait(false);
        }
        var ticks = Interlocked.Exchange(ref _pendingTicks, 0);
        for (var i = 0L; i < ticks; i++)
        {
            TickOnce();
        }

        var work = CollectReadies();
        if (work.Count == 0)
        {
            return HasQueuedWork();
        }

        // 1. A leader's appends and heartbeats may leave before its own write (Raft §10.2.1): the
        //    leader counts its own log only after the write (the core's Advance), so this is safe.
        foreach (var (group, ready) in work)
        {
            if (ready is not null)
            {
                QueueMessages(group, ready.MessagesBeforePersist);
            }
        }
        FlushOutgoing();

        // 2. Every group's entries, hard state and snapshot records: one write, one sync.
        var logBatch = new RaftLogBatch { ContinueOnStoreThread = true };
        foreach (var (group, ready) in work)
        {
            if (BuildUpdate(group, ready) is { } update)
            {
                logBatch.Add(update);
            }
        }
        if (!logBatch.IsEmpty)
        {
            AddUnwrittenHardStates(logBatch);
            var started = Metrics.Now;
            await _store.WriteAsync(logBatch, cancellationToken).ConfigureAwait(false);
            Metrics.RecordStoreWrite(started);
            ReleaseSnapshots(logBatch);
        }

        // 3. Votes and acknowledgements promise what is now durable.
        foreach (var (group, ready) in work)
        {
            if (ready is not null)
            {
                QueueMessages(group, ready.Messages);
            }
        }
        FlushOutgoing();

        // 4. Hand over, then advance (conf changes are applied to Raft before Advance, in log order).
        foreach (var (group, ready) in work)
        {
            if (ready is null)
            {
                continue;
            }
            HandOver(group, ready);
            group.Node.Advance(ready);
            if (group.Node.HasReady())
            {
                MarkDirty(group);
            }
        }
        return true;
    }

    // Only once a snapshot record is durable may the payloads before it go: until then a restart
    // restores the snapshot the previous record points at.
    private void ReleaseSnapshots(RaftLogBatch batch)
    {
        foreach (var update in batch.Updates)
        {
            if ((update.InstalledSnapshot ?? update.RecordedSnapshot) is { Index: > 0 } record)
            {
                _snapshots.Release(update.GroupId, record.Index);
            }
        }
    }

    private bool HasQueuedWork() => !_commands.IsEmpty || !_incoming.IsEmpty || !_incomingChunks.IsEmpty
        || Interlocked.Read(ref _pendingTicks) > 0 || _dirty.Count > 0;

    private List<(RaftGroup Group, Ready? Ready)> CollectReadies()
    {
        var work = new List<(RaftGroup, Ready?)>(_dirty.Count);
        foreach (var group in _dirty)
        {
            group.Dirty = false;
            if (group.Node.HasReady())
            {
                work.Add((group, group.Node.GetReady()));
            }
            else if (group.SnapshotToRecord is not null)
            {
                work.Add((group, null));
            }
        }
        _dirty.Clear();
        return work;
    }

    private void MarkDirty(RaftGroup group)
    {
        if (!group.Dirty)
        {
            group.Dirty = true;
            _dirty.Add(group);
        }
    }

    private RaftGroupUpdate? BuildUpdate(RaftGroup group, Ready? ready)
    {
        var installed = ready?.Snapshot?.Metadata;
        var entries = ready?.Entries ?? [];
        var hardState = ready?.HardState;
        var recorded = group.SnapshotToRecord;
        group.SnapshotToRecord = null;
        ulong compactThrough = 0;
        if (recorded is not null && installed is not null)
        {
            // A snapshot from the leader replaced the log in this very write; ours is older or equal.
            recorded = null;
        }
        if (recorded is not null && recorded.Index <= group.Storage.GetSnapshot()?.Index)
        {
            recorded = null;
        }
        if (recorded is not null)
        {
            var keep = _options.CompactionOverhead;
            var through = recorded.Index > keep ? recorded.Index - keep : 0;
            compactThrough = through >= group.Storage.FirstIndex ? through : 0;
            RaftHostLog.SnapshotRecorded(_logger, NodeId, group.GroupId, recorded.Index, compactThrough);
        }
        if (installed is null && entries.Count == 0 && recorded is null && hardState is not null && ready is { MustSync: false })
        {
            // Only the commit index moved (as etcd, no sync for that): the commit index need not be
            // durable — a restart learns it again from a quorum, and the entries up to it are already
            // durable on a majority — so committed entries apply now instead of after one more fsync.
            // The hard state rides along with the next write that must be synced.
            if (group.UnwrittenHardState is null)
            {
                _unwrittenHardStates.Add(group);
            }
            group.UnwrittenHardState = hardState;
            return null;
        }
        if (installed is null && entries.Count == 0 && hardState is null && recorded is null)
        {
            return null;
        }
        if (group.UnwrittenHardState is not null && hardState is null)
        {
            hardState = group.UnwrittenHardState;
        }
        group.UnwrittenHardState = null;
        return new RaftGroupUpdate(group.GroupId)
        {
            InstalledSnapshot = installed,
            Entries = entries,
            HardState = hardState,
            RecordedSnapshot = recorded,
            CompactThrough = compactThrough,
        };
    }

    // The groups with a commit-only hard state not yet written join a write that syncs anyway.
    private void AddUnwrittenHardStates(RaftLogBatch batch)
    {
        foreach (var group in _unwrittenHardStates)
        {
            if (group.UnwrittenHardState is { } hardState)
            {
                batch.Add(new RaftGroupUpdate(group.GroupId) { HardState = hardState });
                group.UnwrittenHardState = null;
            }
        }
        _unwrittenHardStates.Clear();
    }

    // At a clean stop the newest commit indexes are written, so a restart replays up to them at once.
    private async ValueTask WriteUnwrittenHardStatesAsync()
    {
        var batch = new RaftLogBatch();
        AddUnwrittenHardStates(batch);
        if (batch.IsEmpty)
        {
            return;
        }
        try
        {
            await _store.WriteAsync(batch, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or ObjectDisposedException)
        {
            // Best effort: the commit indexes are learned again after the restart.
            RaftHostLog.CommitIndexesNotWritten(_logger, e, NodeId);
        }
    }

    private void HandOver(RaftGroup group, Ready ready)
    {
        var active = ready.Entries.Count > 0 || ready.CommittedEntries.Count > 0 || ready.Snapshot is not null
            || ready.ReadStates.Count > 0 || ready.SoftState is not null || CarriesMoreThanHeartbeats(ready);
        if (ready.SoftState is { } soft)
        {
            OnSoftState(group, soft);
        }
        if (ready.Snapshot is { } snapshot)
        {
            group.Lane.EnqueueRestore(snapshot.Metadata);
            group.HandedOff = snapshot.Index;
        }
        if (ready.CommittedEntries.Count > 0)
        {
            HandOverCommitted(group, ready.CommittedEntries);
        }
        foreach (var state in ready.ReadStates)
        {
            if (group.Reads.Remove(state.RequestId, out var read))
            {
                group.ReadsWaitingForApply.Add((state.Index, read));
            }
        }
        ReleaseReads(group);
        if (active)
        {
            NoteActivity(group);
        }
    }

    private void HandOverCommitted(RaftGroup group, IReadOnlyList<Entry> committed)
    {
        Dictionary<ulong, ConfState?>? confStates = null;
        var now = Metrics.Now;
        foreach (var entry in committed)
        {
            if (entry.Type == EntryType.ConfChange)
            {
                confStates ??= [];
                confStates[entry.Index] = ApplyConfChange(group, entry);
            }
            else if (!_proposals.IsEmpty && EntryEnvelope.TryPeek(entry.Data.Span, out var clientId, out var requestId)
                && _proposals.TryGetValue((group.GroupId, clientId, requestId), out var proposal) && proposal.CommitTimestamp == 0)
            {
                proposal.CommitTimestamp = now;
                Metrics.RecordCommitted(proposal.StartTimestamp);
            }
        }
        group.Lane.EnqueueEntries(committed, confStates, now);
        group.HandedOff = committed[^1].Index;
    }

    private static ConfState? ApplyConfChange(RaftGroup group, Entry entry)
    {
        try
        {
            return group.Node.ApplyConfChange(ConfChangeCodec.Decode(entry.Data.Span));
        }
        catch (InvalidOperationException)
        {
            // Raft refused it for the configuration it applies to (as etcd, a committed but invalid
            // change is a no-op); the proposer hears ConfChangeRefused.
            return null;
        }
    }

    private static void ReleaseReads(RaftGroup group)
    {
        var waiting = group.ReadsWaitingForApply;
        for (var i = 0; i < waiting.Count; i++)
        {
            var (index, read) = waiting[i];
            if (index <= group.HandedOff)
            {
                // Queued behind every entry through the read index, so it sees them applied.
                group.Lane.EnqueueLookup(read.Query, read.Completion);
                waiting.RemoveAt(i);
                i--;
            }
        }
    }

    private void OnSoftState(RaftGroup group, SoftState soft)
    {
        if (soft.Role is RaftRole.PreCandidate or RaftRole.Candidate)
        {
            Metrics.ElectionStarted();
        }
        if (soft.Leader != 0 && soft.Leader != group.Leader)
        {
            Metrics.LeaderChanged();
            RaftHostLog.LeaderChanged(_logger, NodeId, group.GroupId, soft.Leader, group.Node.Term);
        }
        if (soft.Leader != group.Leader)
        {
            _knownLeaders[group.GroupId] = soft.Leader;
        }
        group.Leader = soft.Leader;
        for (var i = 0; i < group.Transfers.Count; i++)
        {
            var transfer = group.Transfers[i];
            if (transfer.Target == soft.Leader)
            {
                transfer.Completion.TrySetResult(RaftResult<ulong>.Success(soft.Leader));
                group.Transfers.RemoveAt(i);
                i--;
            }
        }
    }

    private static bool CarriesMoreThanHeartbeats(Ready ready)
    {
        foreach (var message in ready.MessagesBeforePersist)
        {
            if (message.Type is not (MessageType.Heartbeat or MessageType.HeartbeatResponse))
            {
                return true;
            }
        }
        foreach (var message in ready.Messages)
        {
            if (message.Type is not (MessageType.Heartbeat or MessageType.HeartbeatResponse))
            {
                return true;
            }
        }
        return false;
    }

    private void StepBatch(RaftMessageBatch batch)
    {
        foreach (var (groupId, message) in batch.Messages)
        {
            if (!_groups.TryGetValue(groupId, out var group) || message.Type == MessageType.Snapshot)
            {
                // Unknown here (not started yet, or removed); snapshots only arrive as chunk streams.
                continue;
            }
            try
            {
                group.Node.Step(message);
            }
            catch (ArgumentException exception)
            {
                RaftHostLog.MessageRejected(_logger, exception, NodeId, groupId, message.From);
                continue;
            }
            if (message.Type is not (MessageType.Heartbeat or MessageType.HeartbeatResponse))
            {
                NoteActivity(group);
            }
            MarkDirty(group);
        }
        foreach (var groupId in batch.QuiescedGroups)
        {
            if (_groups.TryGetValue(groupId, out var group) && !group.Quiesced && group.Node.Role == RaftRole.Follower
                && group.Node.LeaderId == batch.From && !group.HasPendingOperations)
            {
                Quiesce(group);
            }
        }
    }

    private void TickOnce()
    {
        Interlocked.Increment(ref _tick);
        _tickList.Clear();
        _tickList.AddRange(_awake);
        foreach (var group in _tickList)
        {
            group.Node.Tick();
            MarkDirty(group);
            if (_options.QuiesceAfterTicks == 0)
            {
                continue;
            }
            if (group.Active)
            {
                group.Active = false;
                group.IdleTicks = 0;
            }
            else if (++group.IdleTicks >= _options.QuiesceAfterTicks && CanQuiesce(group))
            {
                Quiesce(group);
            }
        }
        ExpireOperations();
    }

    private void NoteActivity(RaftGroup group)
    {
        group.Active = true;
        group.IdleTicks = 0;
        if (group.Quiesced)
        {
            group.Quiesced = false;
            _awake.Add(group);
            Interlocked.Increment(ref _awakeCount);
            Interlocked.Decrement(ref _quiescedCount);
        }
    }

    private static bool CanQuiesce(RaftGroup group)
    {
        var node = group.Node;
        if (group.HasPendingOperations || node.LeaderId == 0 || group.HandedOff != node.Committed)
        {
            return false;
        }
        if (node.Role == RaftRole.Follower)
        {
            return true;
        }
        if (node.Role != RaftRole.Leader || node.LeadTransferee != 0 || node.Committed != node.LastIndex)
        {
            return false;
        }
        foreach (var (id, progress) in node.Status().Progress)
        {
            if (id != node.Id && progress.Match != node.LastIndex)
            {
                return false;
            }
        }
        return true;
    }

    private void Quiesce(RaftGroup group)
    {
        group.Quiesced = true;
        group.IdleTicks = 0;
        _awake.Remove(group);
        Interlocked.Decrement(ref _awakeCount);
        Interlocked.Increment(ref _quiescedCount);
        if (group.Node.Role != RaftRole.Leader)
        {
            return;
        }
        var conf = group.Node.ConfState;
        foreach (var member in conf.Voters.Concat(conf.Learners).Concat(conf.VotersOutgoing).Distinct())
        {
            if (member != NodeId)
            {
                if (!_outgoingQuiesce.TryGetValue(member, out var groups))
                {
                    groups = [];
                    _outgoingQuiesce[member] = groups;
                }
                groups.Add(group.GroupId);
            }
        }
        FlushOutgoing();
    }

    private void ExpireOperations()
    {
        var now = Interlocked.Read(ref _tick);
        while (_deadlines.TryPeek(out var operation, out var deadline) && (deadline <= now || operation.IsDone))
        {
            _deadlines.Dequeue();
            if (operation.IsDone)
            {
                // Finished before its deadline: dropped at the first tick it is the earliest, not kept alive for the
                // whole timeout (a leader held every proposal, its task and result, for 5 s; they outlived gen0
                // collections and made each one slower).
                continue;
            }
            switch (operation)
            {
                case PendingProposal proposal:
                    FailProposal(proposal, RaftOutcome.Timeout);
                    break;
                case PendingRead read when _groups.TryGetValue(read.GroupId, out var group):
                    group.Reads.Remove(read.ReadId);
                    group.ReadsWaitingForApply.RemoveAll(waiting => ReferenceEquals(waiting.Read, read));
                    read.Fail(RaftOutcome.Timeout);
                    break;
                case PendingTransfer transfer when _groups.TryGetValue(transfer.GroupId, out var group):
                    group.Transfers.Remove(transfer);
                    transfer.Fail(RaftOutcome.Timeout);
                    break;
                case PendingConfChange change:
                    if (_confChanges.TryRemove(new KeyValuePair<ulong, PendingConfChange>(change.OperationId, change)))
                    {
                        change.Fail(RaftOutcome.Timeout);
                    }
                    break;
                default:
                    operation.Fail(RaftOutcome.Timeout);
                    break;
            }
        }
    }
}
