using Vectron.Raft.Core.Tracking;

namespace Vectron.Raft.Core;

/// <summary>Log replication (Raft §3.5), snapshots (§5), read index (§6.4) and membership (§4).</summary>
public sealed partial class RaftNode
{
    private bool AppendEntries(IReadOnlyList<Entry> entries)
    {
        long bytes = 0;
        foreach (var entry in entries)
        {
            bytes += entry.Data.Length;
        }
        // The first proposal always fits, so one oversized entry cannot wedge the group.
        if (_uncommittedBytes > 0 && bytes > 0 && _uncommittedBytes + bytes > _options.MaxUncommittedBytes)
        {
            return false;
        }
        _uncommittedBytes += bytes;
        var last = _log.LastIndex;
        var stamped = new List<Entry>(entries.Count);
        for (var i = 0; i < entries.Count; i++)
        {
            stamped.Add(entries[i] with { Term = Term, Index = last + 1 + (ulong)i });
        }
        _log.Append(stamped);
        return true;
    }

    private bool MaybeCommit()
    {
        var index = _tracker.Committed();
        return _log.MaybeCommit(index, Term);
    }

    private void SendAppend(ulong to) => MaybeSendAppend(to, sendIfEmpty: true);

    /// <summary>Sends the follower its next entries (or a snapshot when they are compacted). False when nothing was sent.</summary>
    private bool MaybeSendAppend(ulong to, bool sendIfEmpty)
    {
        if (!_tracker.Progress.TryGetValue(to, out var pr) || pr.IsPaused)
        {
            return false;
        }
        var previous = pr.Next - 1;
        var entries = new List<Entry>();
        // A full window in replication is unpaused only by a heartbeat response, so that a window
        // whose messages were all lost recovers. That append carries no entries: it probes, and
        // the in-flight caps stay caps (otherwise every heartbeat adds one more message beyond
        // them). etcd's maybeSendAppend does the same.
        var throttled = pr.State == ProgressState.Replicate && pr.Inflights.Full;
        if (!_log.TryTerm(previous, out var previousTerm)
            || (!throttled && !_log.Entries(pr.Next, _log.LastIndex + 1, _options.MaxMessageBytes, entries)))
        {
            return SendSnapshot(to, pr);
        }
        if (entries.Count == 0 && !sendIfEmpty)
        {
            return false;
        }
        long bytes = 0;
        foreach (var entry in entries)
        {
            bytes += entry.PayloadSize;
        }
        Send(new Message
        {
            Type = MessageType.Append,
            To = to,
            Index = previous,
            LogTerm = previousTerm,
            Entries = entries,
            Commit = _log.Committed,
        });
        pr.OnEntriesSent(entries.Count, bytes);
        return true;
    }

    private bool SendSnapshot(ulong to, Progress pr)
    {
        if (!pr.RecentActive)
        {
            // Do not start a large transfer to a node we have not heard from.
            return false;
        }
        var snapshot = _log.GetSnapshot();
        if (snapshot is null)
        {
            // Being made: the next heartbeat response retries.
            return false;
        }
        if (snapshot.Index == 0)
        {
            throw new InvalidOperationException("the log is compacted but no snapshot exists");
        }
        Send(new Message { Type = MessageType.Snapshot, To = to, Snapshot = snapshot });
        pr.BecomeSnapshot(snapshot.Index);
        return true;
    }

    private void BroadcastAppend()
    {
        _commitUnannounced = false;
        foreach (var id in _tracker.Progress.Keys.ToArray())
        {
            if (id != Id)
            {
                SendAppend(id);
            }
        }
    }

    /// <summary>
    /// The commit index moved: tell the followers with an append each (etcd's way), or, with
    /// <see cref="RaftOptions.DeferCommitBroadcast"/>, send only appends that carry entries and leave the commit index
    /// to the next append or tick (<see cref="AnnounceDeferredCommit"/>).
    /// </summary>
    private void AnnounceCommit()
    {
        if (!_options.DeferCommitBroadcast)
        {
            BroadcastAppend();
            return;
        }
        _commitUnannounced = true;
        SendAppendsWithEntries();
    }

    /// <summary>Sends every follower the entries it lacks, where flow control allows; no empty appends.</summary>
    private void SendAppendsWithEntries()
    {
        foreach (var id in _tracker.Progress.Keys.ToArray())
        {
            if (id != Id)
            {
                MaybeSendAppend(id, sendIfEmpty: false);
            }
        }
    }

    /// <summary>On a leader's tick: the commit index that moved since the last broadcast goes out now.</summary>
    private void AnnounceDeferredCommit()
    {
        if (_commitUnannounced)
        {
            BroadcastAppend();
        }
    }

    private void BroadcastHeartbeat()
    {
        var context = _readIndex.LastPending;
        foreach (var (id, pr) in _tracker.Progress)
        {
            if (id == Id)
            {
                continue;
            }
            // Never tell a follower to commit beyond what it is known to hold.
            Send(new Message
            {
                Type = MessageType.Heartbeat,
                To = id,
                Commit = Math.Min(pr.Match, _log.Committed),
                Context = context,
            });
        }
    }

    private void HandleAppend(Message m)
    {
        if (m.Index < _log.Committed)
        {
            Send(new Message { Type = MessageType.AppendResponse, To = m.From, Index = _log.Committed });
            return;
        }
        if (_log.MaybeAppend(m.Index, m.LogTerm, m.Commit, m.Entries) is { } lastNew)
        {
            Send(new Message { Type = MessageType.AppendResponse, To = m.From, Index = lastNew });
            return;
        }
        // Reject with a hint: the last index at or before m.Index whose term is at most m.LogTerm,
        // so the leader can skip every entry of a term we cannot match (fast backtracking).
        var (hintIndex, hintTerm) = _log.FindConflictByTerm(Math.Min(m.Index, _log.LastIndex), m.LogTerm);
        Send(new Message
        {
            Type = MessageType.AppendResponse,
            To = m.From,
            Index = m.Index,
            Reject = true,
            RejectHint = hintIndex,
            RejectHintTerm = hintTerm,
        });
    }

    private void HandleHeartbeat(Message m)
    {
        _log.CommitTo(m.Commit);
        Send(new Message { Type = MessageType.HeartbeatResponse, To = m.From, Context = m.Context });
    }

    private void HandleSnapshot(Message m)
    {
        if (m.Snapshot is { } snapshot && Restore(snapshot))
        {
            Send(new Message { Type = MessageType.AppendResponse, To = m.From, Index = _log.LastIndex });
        }
        else
        {
            Send(new Message { Type = MessageType.AppendResponse, To = m.From, Index = _log.Committed });
        }
    }

    /// <summary>Installs a snapshot sent by the leader; false when it is stale or already covered by the log.</summary>
    private bool Restore(Snapshot snapshot)
    {
        if (snapshot.Index <= _log.Committed)
        {
            return false;
        }
        if (Role != RaftRole.Follower)
        {
            // Only a follower installs snapshots; this cannot happen with a correct leader. Step
            // down to a new term so that no stale leadership lingers.
            BecomeFollower(Term + 1, 0);
            return false;
        }
        // Unlike etcd, a snapshot whose membership does not include this node is installed: a node
        // added after the snapshot was taken needs it as the prefix of the log that ends with its
        // own addition (refusing it made the leader resend it forever). Code below does not assume
        // this node is in the tracker.
        var conf = snapshot.Metadata.ConfState;
        if (_log.MatchTerm(snapshot.Index, snapshot.Term))
        {
            // We already hold the snapshot's last entry: just move the commit index forward.
            _log.CommitTo(snapshot.Index);
            return false;
        }
        _log.Restore(snapshot);
        var tracker = new ProgressTracker(_tracker.MaxInflightMessages, _tracker.MaxInflightBytes);
        ConfChanger.Restore(tracker, conf, _log.LastIndex);
        SwitchToConfig(tracker.Config, tracker.Progress);
        return true;
    }

    private ConfState SwitchToConfig(TrackerConfig config, SortedDictionary<ulong, Progress> progress)
    {
        _tracker.Config = config;
        _tracker.Progress = progress;
        var state = _tracker.ConfState();
        var isMember = progress.TryGetValue(Id, out var self);
        if ((!isMember || self!.IsLearner) && Role == RaftRole.Leader)
        {
            // Removed or demoted while leading: step down so a member leads (it cannot count itself).
            if (_options.StepDownOnRemoval)
            {
                BecomeFollower(Term, 0);
            }
            return state;
        }
        if (Role != RaftRole.Leader || state.Voters.Count == 0)
        {
            return state;
        }
        // The quorum changed: the commit index may move; newly added members need probing.
        if (MaybeCommit())
        {
            BroadcastAppend();
        }
        else
        {
            SendAppendsWithEntries();
        }
        if (LeadTransferee != 0 && !_tracker.Config.Voters.Contains(LeadTransferee))
        {
            AbortLeaderTransfer();
        }
        return state;
    }

    private void ReleasePendingReadIndexMessages()
    {
        if (_pendingReadIndexMessages.Count == 0 || !CommittedEntryInCurrentTerm())
        {
            return;
        }
        var pending = _pendingReadIndexMessages.ToArray();
        _pendingReadIndexMessages.Clear();
        foreach (var m in pending)
        {
            AnswerReadIndex(m);
        }
    }

    private void AnswerReadIndex(Message m)
    {
        if (_tracker.IsSingleton || _options.ReadOnly == ReadOnlyMode.LeaseBased)
        {
            // Alone, or holding a lease: the commit index is current without a round trip.
            RespondToReadIndex(m, _log.Committed);
            return;
        }
        var sequence = ++_readSequence;
        _readIndex.Add(sequence, _log.Committed, m);
        _readIndex.Acknowledge(sequence, Id);
        // The heartbeat round carries the newest pending request's sequence: this one.
        BroadcastHeartbeat();
    }

    private void RespondToReadIndex(Message request, ulong index)
    {
        if (request.From == 0 || request.From == Id)
        {
            _readStates.Add(new ReadState(index, request.Context));
            return;
        }
        Send(new Message { Type = MessageType.ReadIndexResponse, To = request.From, Index = index, Context = request.Context });
    }
}
