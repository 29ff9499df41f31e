namespace Vectron.Raft.Core;

/// <summary>Timers, role changes and elections (Raft §3.4, pre-vote §9.6, check-quorum §6.2).</summary>
public sealed partial class RaftNode
{
    private enum CampaignKind : byte
    {
        PreElection,
        Election,
        Transfer,
    }

    private void TickElection()
    {
        _electionElapsed++;
        if (Promotable() && _electionElapsed >= _randomizedElectionTimeout)
        {
            _electionElapsed = 0;
            if (_timeoutBeforeSplitRetry != 0)
            {
                // The quick retry after a split vote was for this campaign only.
                _randomizedElectionTimeout = _timeoutBeforeSplitRetry;
                _timeoutBeforeSplitRetry = 0;
            }
            StepCore(new Message { Type = MessageType.Hup, From = Id });
        }
    }

    private void TickHeartbeat()
    {
        _heartbeatElapsed++;
        _electionElapsed++;
        if (_electionElapsed >= _options.ElectionTicks)
        {
            _electionElapsed = 0;
            if (_options.CheckQuorum)
            {
                StepCore(new Message { Type = MessageType.CheckQuorum, From = Id });
            }
        }
        if (Role != RaftRole.Leader)
        {
            return;
        }
        if (LeadTransferee != 0)
        {
            _transferElapsed++;
            var limit = _options.TransferTimeoutTicks > 0 ? _options.TransferTimeoutTicks : _options.ElectionTicks;
            if (_transferElapsed >= limit)
            {
                AbortLeaderTransfer();
            }
        }
        if (_heartbeatElapsed >= _options.HeartbeatTicks)
        {
            _heartbeatElapsed = 0;
            StepCore(new Message { Type = MessageType.Beat, From = Id });
            // An idle group whose automatic leave was refused during a transfer retries here.
            MaybeAutoLeave();
        }
    }

    /// <summary>A voter of the current config that is not waiting to install a snapshot may campaign.</summary>
    private bool Promotable() =>
        _tracker.Progress.TryGetValue(Id, out var pr) && !pr.IsLearner && !_log.HasPendingSnapshot;

    private void Hup(CampaignKind kind)
    {
        if (Role == RaftRole.Leader || !Promotable())
        {
            return;
        }
        // A committed but unapplied membership change could change who may vote: wait for it.
        if (HasUnappliedConfChange())
        {
            return;
        }
        Campaign(kind);
    }

    private bool HasUnappliedConfChange()
    {
        if (_log.Applied >= _log.Committed)
        {
            return false;
        }
        var entries = new List<Entry>();
        var from = Math.Max(_log.Applied + 1, _log.FirstIndex);
        if (!_log.Entries(from, _log.Committed + 1, long.MaxValue, entries))
        {
            return false;
        }
        foreach (var entry in entries)
        {
            if (entry.Type == EntryType.ConfChange)
            {
                return true;
            }
        }
        return false;
    }

    private void Campaign(CampaignKind kind)
    {
        MessageType request;
        ulong term;
        if (kind == CampaignKind.PreElection)
        {
            BecomePreCandidate();
            request = MessageType.PreVote;
            // A pre-vote asks about the term we would move to, without moving there.
            term = Term + 1;
        }
        else
        {
            BecomeCandidate();
            request = MessageType.Vote;
            term = Term;
        }
        var (_, _, result) = _tracker.RecordVote(Id, granted: true);
        if (result == Quorum.VoteResult.Won)
        {
            // A single-voter group wins at once.
            if (kind == CampaignKind.PreElection)
            {
                Campaign(CampaignKind.Election);
            }
            else
            {
                BecomeLeader();
            }
            return;
        }
        foreach (var id in _tracker.VoterIds())
        {
            if (id == Id)
            {
                continue;
            }
            Send(new Message
            {
                Type = request,
                To = id,
                Term = term,
                Index = _log.LastIndex,
                LogTerm = _log.LastTerm,
                LeaderTransfer = kind == CampaignKind.Transfer,
            });
        }
    }

    /// <summary>
    /// Another candidate asked for our vote in the term we stand in: both voted for themselves, and unless a third
    /// voter decides, neither wins (with one of three members down, certainly). Both would wait a whole randomised
    /// timeout, [E, 2E), before the next round, so one split vote doubled a failover's outage. Instead each competitor
    /// draws again between a twentieth and a tenth of the election timeout from now (at least one and two ticks); the
    /// first to fire wins the next round (the other knows no leader, so it grants the pre-vote). Only timing changes,
    /// and safety does not depend on timeouts. (etcd waits the whole timeout here.)
    /// </summary>
    /// <remarks>
    /// The draw is at least a twentieth of the election timeout away (50 ms with the usual settings), far longer than
    /// a vote round on a LAN: a candidate whose winning votes are still in flight (five voters) does not abandon the round,
    /// and a new leader's first append reaches the others before the loser campaigns again. The shortened timeout
    /// serves one campaign only (see <see cref="TickElection"/>), so a pre-vote that stays unanswered is not repeated
    /// at that pace.
    /// </remarks>
    private void RetrySoonAfterSplit()
    {
        var floor = Math.Max(1, _options.ElectionTicks / 20);
        var ceiling = Math.Max(floor + 1, _options.ElectionTicks / 10);
        var soon = _electionElapsed + floor + _random.Next(ceiling - floor + 1);
        if (soon < _randomizedElectionTimeout)
        {
            _timeoutBeforeSplitRetry = _randomizedElectionTimeout;
            _randomizedElectionTimeout = soon;
        }
    }

    private void Reset(ulong term)
    {
        if (Term != term)
        {
            Term = term;
            Vote = 0;
        }
        LeaderId = 0;
        _electionElapsed = 0;
        _heartbeatElapsed = 0;
        _randomizedElectionTimeout = _options.ElectionTicks + _random.Next(_options.ElectionTicks);
        _timeoutBeforeSplitRetry = 0;
        _commitUnannounced = false;
        AbortLeaderTransfer();
        _tracker.ResetVotes();
        var lastIndex = _log.LastIndex;
        foreach (var (id, pr) in _tracker.Progress)
        {
            pr.ResetTo(match: 0, next: lastIndex + 1);
            if (id == Id)
            {
                // Only what the host persisted counts (see AcknowledgeOwnPersistence).
                pr.Match = _log.LastStableIndex;
                pr.RecentActive = true;
            }
        }
        _pendingConfIndex = 0;
        _uncommittedBytes = 0;
        _readIndex.Clear();
        _pendingReadIndexMessages.Clear();
    }

    private void BecomeFollower(ulong term, ulong leader)
    {
        Reset(term);
        LeaderId = leader;
        Role = RaftRole.Follower;
    }

    private void BecomeCandidate()
    {
        if (Role == RaftRole.Leader)
        {
            throw new InvalidOperationException("a leader cannot become a candidate directly");
        }
        Reset(Term + 1);
        Vote = Id;
        Role = RaftRole.Candidate;
    }

    private void BecomePreCandidate()
    {
        if (Role == RaftRole.Leader)
        {
            throw new InvalidOperationException("a leader cannot become a pre-candidate directly");
        }
        // No term or vote change: that is the point of pre-vote.
        _tracker.ResetVotes();
        LeaderId = 0;
        Role = RaftRole.PreCandidate;
    }

    private void BecomeLeader()
    {
        if (Role == RaftRole.Follower)
        {
            throw new InvalidOperationException("a follower cannot become leader without an election");
        }
        Reset(Term);
        LeaderId = Id;
        Role = RaftRole.Leader;
        if (_tracker.Progress.TryGetValue(Id, out var self))
        {
            // The leader's own progress is always "replicate": it never sends to itself.
            self.BecomeReplicate();
            self.Match = _log.LastStableIndex;
            self.Next = _log.LastIndex + 1;
        }
        // Conservatively treat any unapplied change as pending: no new change until it is applied.
        _pendingConfIndex = _log.LastIndex;
        // Raft §5.4.2 / §6.4: an empty entry of the new term lets the leader commit (and learn the
        // commit index of) everything before it.
        if (!AppendEntries([new Entry(0, 0, EntryType.Normal, default)]))
        {
            throw new InvalidOperationException("the new leader's empty entry was refused");
        }
    }

    private void AbortLeaderTransfer()
    {
        LeadTransferee = 0;
        _transferElapsed = 0;
    }

    private bool CommittedEntryInCurrentTerm() => _log.Term(_log.Committed) == Term;
}
