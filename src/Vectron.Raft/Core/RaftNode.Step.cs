namespace Vectron.Raft.Core;

/// <summary>Message handling: the term rules common to every role, then the role's own rules.</summary>
public sealed partial class RaftNode
{
    private ProposeResult StepCore(Message m)
    {
        if (m.Term == 0)
        {
            // Local messages, proposals and forwarded reads carry no term.
        }
        else if (m.Term > Term)
        {
            if (m.Type is MessageType.Vote or MessageType.PreVote)
            {
                // Raft §4.2.3: a node that heard from a leader within the minimum election timeout
                // ignores votes, so a removed or partitioned node cannot depose a healthy leader. A
                // leadership transfer overrides this.
                var inLease = _options.CheckQuorum && LeaderId != 0 && _electionElapsed < _options.ElectionTicks;
                if (!m.LeaderTransfer && inLease)
                {
                    return ProposeResult.Accepted;
                }
            }
            if (m.Type == MessageType.PreVote)
            {
                // A pre-vote never changes our term.
            }
            else if (m.Type == MessageType.PreVoteResponse && !m.Reject)
            {
                // The term in a granted pre-vote response is the one we would campaign in; it is
                // taken when the pre-vote wins.
            }
            else if (m.Type is MessageType.Append or MessageType.Heartbeat or MessageType.Snapshot)
            {
                BecomeFollower(m.Term, m.From);
            }
            else
            {
                BecomeFollower(m.Term, 0);
            }
        }
        else if (m.Term < Term)
        {
            if (m.Type is MessageType.Heartbeat or MessageType.Append)
            {
                // A stale leader (cut off, then healed) learns the new term from this answer and
                // steps down. etcd answers only with check-quorum or pre-vote on, relying otherwise
                // on our vote requests reaching the leader; but a node whose configuration is stale
                // may not even know the leader, and then neither side ever moves (found by the
                // seeded membership runs). Answering always is safe: it only carries our term.
                Send(new Message { Type = MessageType.AppendResponse, To = m.From });
            }
            else if (m.Type == MessageType.PreVote)
            {
                Send(new Message { Type = MessageType.PreVoteResponse, To = m.From, Term = Term, Reject = true });
            }
            return ProposeResult.Accepted;
        }

        switch (m.Type)
        {
            case MessageType.Hup:
                Hup(_options.PreVote ? CampaignKind.PreElection : CampaignKind.Election);
                return ProposeResult.Accepted;
            case MessageType.Vote:
            case MessageType.PreVote:
                HandleVoteRequest(m);
                return ProposeResult.Accepted;
            default:
                return Role switch
                {
                    RaftRole.Leader => StepLeader(m),
                    RaftRole.Follower => StepFollower(m),
                    _ => StepCandidate(m),
                };
        }
    }

    private void HandleVoteRequest(Message m)
    {
        // We can vote: again for the same candidate; when we have not voted and know no leader in
        // this term; or in a pre-vote for a future term.
        var canVote = Vote == m.From || (Vote == 0 && LeaderId == 0) || (m.Type == MessageType.PreVote && m.Term > Term);
        if (canVote && _log.IsUpToDate(m.Index, m.LogTerm))
        {
            // The response carries the request's term: for a pre-vote that is the future term.
            Send(new Message { Type = MessageTypes.VoteResponseFor(m.Type), To = m.From, Term = m.Term });
            if (m.Type == MessageType.Vote)
            {
                _electionElapsed = 0;
                Vote = m.From;
            }
        }
        else
        {
            Send(new Message { Type = MessageTypes.VoteResponseFor(m.Type), To = m.From, Term = Term, Reject = true });
            if (m.Type == MessageType.Vote && Role == RaftRole.Candidate && Vote == Id && m.Term == Term)
            {
                RetrySoonAfterSplit();
            }
        }
    }

    private ProposeResult StepLeader(Message m)
    {
        switch (m.Type)
        {
            case MessageType.Beat:
                BroadcastHeartbeat();
                return ProposeResult.Accepted;
            case MessageType.CheckQuorum:
                if (!_tracker.QuorumActive(Id))
                {
                    BecomeFollower(Term, 0);
                }
                foreach (var (id, member) in _tracker.Progress)
                {
                    if (id != Id)
                    {
                        member.RecentActive = false;
                    }
                }
                return ProposeResult.Accepted;
            case MessageType.Propose:
                return LeaderPropose(m);
            case MessageType.ReadIndex:
                if (!CommittedEntryInCurrentTerm())
                {
                    // Raft §6.4: until an entry of its own term commits, the leader does not know
                    // the commit index of the previous terms; wait.
                    _pendingReadIndexMessages.Add(m);
                    return ProposeResult.Accepted;
                }
                AnswerReadIndex(m);
                return ProposeResult.Accepted;
            default:
                break;
        }

        if (!_tracker.Progress.TryGetValue(m.From, out var pr))
        {
            return ProposeResult.Accepted;
        }
        switch (m.Type)
        {
            case MessageType.AppendResponse:
                HandleAppendResponse(m, pr);
                break;
            case MessageType.HeartbeatResponse:
                pr.RecentActive = true;
                pr.Paused = false;
                if (pr.Match < _log.LastIndex || pr.State == Tracking.ProgressState.Probe)
                {
                    SendAppend(m.From);
                }
                if (_options.ReadOnly == ReadOnlyMode.Safe && m.Context != 0)
                {
                    var acks = _readIndex.Acknowledge(m.Context, m.From);
                    if (acks is not null && _tracker.Config.Voters.Vote(acks) == Quorum.VoteResult.Won)
                    {
                        foreach (var (index, request) in _readIndex.ConfirmThrough(m.Context))
                        {
                            RespondToReadIndex(request, index);
                        }
                    }
                }
                break;
            case MessageType.SnapshotStatus:
                if (pr.State == Tracking.ProgressState.Snapshot)
                {
                    // Success or failure, probe next: after success the follower has the snapshot;
                    // after failure a new snapshot is sent when the probe shows it is still needed.
                    if (m.Reject)
                    {
                        pr.BecomeSnapshot(0);
                    }
                    pr.BecomeProbe();
                    // Wait for a heartbeat response before the next probe.
                    pr.Paused = true;
                }
                break;
            case MessageType.Unreachable:
                if (pr.State == Tracking.ProgressState.Replicate)
                {
                    pr.BecomeProbe();
                }
                break;
            case MessageType.TransferLeader:
                if (pr.IsLearner)
                {
                    break;
                }
                var target = m.From;
                if (LeadTransferee != 0)
                {
                    if (LeadTransferee == target)
                    {
                        break;
                    }
                    AbortLeaderTransfer();
                }
                if (target == Id)
                {
                    break;
                }
                _transferElapsed = 0;
                LeadTransferee = target;
                if (pr.Match == _log.LastIndex)
                {
                    Send(new Message { Type = MessageType.TimeoutNow, To = target });
                }
                else
                {
                    // Catch the target up first; TimeoutNow follows its acknowledgement.
                    SendAppend(target);
                }
                break;
            default:
                break;
        }
        return ProposeResult.Accepted;
    }

    private ProposeResult LeaderPropose(Message m)
    {
        if (m.Entries.Count == 0)
        {
            throw new InvalidOperationException("a proposal must carry entries");
        }
        if (!_tracker.Progress.ContainsKey(Id))
        {
            // Removed from the configuration while still leading (StepDownOnRemoval off).
            return ProposeResult.Dropped;
        }
        if (LeadTransferee != 0)
        {
            return ProposeResult.TransferInProgress;
        }
        var pendingConf = _pendingConfIndex;
        for (var i = 0; i < m.Entries.Count; i++)
        {
            var entry = m.Entries[i];
            if (entry.Type != EntryType.ConfChange)
            {
                continue;
            }
            var change = ConfChangeCodec.Decode(entry.Data.Span);
            if (!ConfChangeAllowed(change, pendingConf))
            {
                return ProposeResult.ConfChangeRefused;
            }
            pendingConf = _log.LastIndex + (ulong)i + 1;
        }
        if (!AppendEntries(m.Entries))
        {
            return ProposeResult.TooManyUncommittedBytes;
        }
        _pendingConfIndex = pendingConf;
        BroadcastAppend();
        return ProposeResult.Accepted;
    }

    private bool ConfChangeAllowed(ConfChange change, ulong pendingConf)
    {
        // One change at a time (Raft §4.1): the previous one must be applied. A joint config may
        // only be left, and only a joint config can be left.
        if (pendingConf > _log.Applied)
        {
            return false;
        }
        if (_tracker.Config.Voters.IsJoint != change.IsLeaveJoint)
        {
            return false;
        }
        try
        {
            _ = new Tracking.ConfChanger(_tracker, _log.LastIndex).Apply(change);
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private void HandleAppendResponse(Message m, Tracking.Progress pr)
    {
        pr.RecentActive = true;
        if (m.Reject)
        {
            // Fast backtracking: skip whole terms the follower cannot match, using its hint.
            var probe = m.RejectHint;
            if (m.RejectHintTerm > 0)
            {
                probe = _log.FindConflictByTerm(m.RejectHint, m.RejectHintTerm).Index;
            }
            if (pr.MaybeDecreaseTo(m.Index, probe))
            {
                if (pr.State == Tracking.ProgressState.Replicate)
                {
                    pr.BecomeProbe();
                }
                SendAppend(m.From);
            }
            return;
        }
        var wasPaused = pr.IsPaused;
        if (!pr.MaybeUpdate(m.Index) && !(pr.Match == m.Index && pr.State == Tracking.ProgressState.Probe))
        {
            return;
        }
        switch (pr.State)
        {
            case Tracking.ProgressState.Probe:
                pr.BecomeReplicate();
                break;
            case Tracking.ProgressState.Snapshot when pr.Match + 1 >= _log.FirstIndex:
                // The follower caught up past the snapshot (or the log it needed is back): replicate.
                pr.BecomeProbe();
                pr.BecomeReplicate();
                break;
            case Tracking.ProgressState.Replicate:
                pr.Inflights.FreeLessOrEqual(m.Index);
                break;
            default:
                break;
        }
        if (MaybeCommit())
        {
            ReleasePendingReadIndexMessages();
            AnnounceCommit();
        }
        else if (wasPaused)
        {
            SendAppend(m.From);
        }
        // Fill the window: send as much as flow control allows.
        while (MaybeSendAppend(m.From, sendIfEmpty: false))
        {
        }
        if (m.From == LeadTransferee && pr.Match == _log.LastIndex)
        {
            Send(new Message { Type = MessageType.TimeoutNow, To = m.From });
        }
    }

    private ProposeResult StepCandidate(Message m)
    {
        var myResponse = Role == RaftRole.PreCandidate ? MessageType.PreVoteResponse : MessageType.VoteResponse;
        switch (m.Type)
        {
            case MessageType.Propose:
                return ProposeResult.Dropped;
            case MessageType.Append:
                BecomeFollower(m.Term, m.From);
                HandleAppend(m);
                break;
            case MessageType.Heartbeat:
                BecomeFollower(m.Term, m.From);
                HandleHeartbeat(m);
                break;
            case MessageType.Snapshot:
                BecomeFollower(m.Term, m.From);
                HandleSnapshot(m);
                break;
            case MessageType.ReadIndex:
                return ProposeResult.Dropped;
            default:
                if (m.Type == myResponse)
                {
                    var (_, _, result) = _tracker.RecordVote(m.From, !m.Reject);
                    if (result == Quorum.VoteResult.Won)
                    {
                        if (Role == RaftRole.PreCandidate)
                        {
                            Campaign(CampaignKind.Election);
                        }
                        else
                        {
                            BecomeLeader();
                            BroadcastAppend();
                        }
                    }
                    else if (result == Quorum.VoteResult.Lost)
                    {
                        BecomeFollower(Term, 0);
                    }
                }
                break;
        }
        return ProposeResult.Accepted;
    }

    private ProposeResult StepFollower(Message m)
    {
        switch (m.Type)
        {
            case MessageType.Propose:
                if (LeaderId == 0 || _options.DisableProposalForwarding)
                {
                    return ProposeResult.Dropped;
                }
                Send(m with { To = LeaderId });
                break;
            case MessageType.Append:
                _electionElapsed = 0;
                LeaderId = m.From;
                HandleAppend(m);
                break;
            case MessageType.Heartbeat:
                _electionElapsed = 0;
                LeaderId = m.From;
                HandleHeartbeat(m);
                break;
            case MessageType.Snapshot:
                _electionElapsed = 0;
                LeaderId = m.From;
                HandleSnapshot(m);
                break;
            case MessageType.TransferLeader:
                if (LeaderId != 0)
                {
                    Send(m with { To = LeaderId });
                }
                break;
            case MessageType.TimeoutNow:
                // The leader asked us to take over: campaign now, without pre-vote (the leader
                // itself is stepping aside, so a pre-vote would only be refused by its lease).
                Hup(CampaignKind.Transfer);
                break;
            case MessageType.ReadIndex:
                if (LeaderId == 0)
                {
                    return ProposeResult.Dropped;
                }
                Send(m with { To = LeaderId });
                break;
            case MessageType.ReadIndexResponse:
                _readStates.Add(new ReadState(m.Index, m.Context));
                break;
            default:
                break;
        }
        return ProposeResult.Accepted;
    }
}
