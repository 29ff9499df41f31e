using Vectron.Raft.Core.Tracking;

namespace Vectron.Raft.Core;

/// <summary>
/// One member of one Raft group: a deterministic state machine with no threads, timers, clock reads,
/// files or sockets. The host drives it with <see cref="Tick"/>, <see cref="Step"/> and the proposal
/// methods, then drains <see cref="GetReady"/> and acknowledges with <see cref="Advance"/>. Follows the
/// Raft dissertation and etcd's raft; the one deliberate difference is that a leader counts its own
/// entries towards commitment only after the host reports them persisted (in <see cref="Advance"/>).
/// Not thread-safe: one thread at a time.
/// </summary>
public sealed partial class RaftNode
{
    private readonly RaftOptions _options;
    private readonly RaftLog _log;
    private readonly ProgressTracker _tracker;
    private readonly Random _random;
    private readonly ReadIndexQueue _readIndex = new();
    private readonly List<Message> _pendingReadIndexMessages = [];
    private readonly List<Message> _messagesBeforePersist = [];
    private readonly List<Message> _messages = [];
    private readonly List<ReadState> _readStates = [];

    private int _electionElapsed;
    private int _heartbeatElapsed;
    private int _transferElapsed;
    private int _randomizedElectionTimeout;
    private int _timeoutBeforeSplitRetry; // non-zero while a split-vote retry has shortened the timeout
    private bool _commitUnannounced; // the commit index moved and, deferred, has not gone to the followers yet
    private ulong _pendingConfIndex;
    private long _uncommittedBytes;
    private ulong _readSequence;
    private SoftState _previousSoft;
    private HardState _previousHard;
    private Ready? _outstanding;

    /// <summary>Creates a node from what <paramref name="storage"/> holds (a restart) or from scratch.</summary>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    /// <exception cref="InvalidOperationException">The stored state is inconsistent (commit beyond the log).</exception>
    public RaftNode(RaftOptions options, IRaftStorage storage)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(storage);
        options.Validate();
        _options = options;
        _random = options.Random;
        Id = options.Id;
        _log = new RaftLog(storage, options.MaxCommittedBytesPerReady);
        _tracker = new ProgressTracker(options.MaxInflightMessages, options.MaxInflightBytes);
        var (hardState, confState) = storage.InitialState();
        ConfChanger.Restore(_tracker, confState, _log.LastIndex);
        if (!hardState.IsEmpty)
        {
            if (hardState.Commit < _log.Committed || hardState.Commit > _log.LastIndex)
            {
                throw new InvalidOperationException(
                    $"stored commit index {hardState.Commit} is outside the stored log [{_log.Committed}, {_log.LastIndex}]");
            }
            _log.CommitTo(hardState.Commit);
            Term = hardState.Term;
            Vote = hardState.Vote;
        }
        if (options.Applied > 0)
        {
            _log.AppliedTo(options.Applied);
        }
        BecomeFollower(Term, 0);
        _previousHard = HardState;
        _previousSoft = SoftState;
    }

    /// <summary>This node's id.</summary>
    public ulong Id { get; }

    /// <summary>The current term.</summary>
    public ulong Term { get; private set; }

    /// <summary>Who this node voted for in the current term (0: nobody).</summary>
    public ulong Vote { get; private set; }

    /// <summary>The leader this node knows of (0: none).</summary>
    public ulong LeaderId { get; private set; }

    /// <summary>This node's role.</summary>
    public RaftRole Role { get; private set; }

    /// <summary>The node a leadership transfer is moving to (0: none).</summary>
    public ulong LeadTransferee { get; private set; }

    /// <summary>The commit index.</summary>
    public ulong Committed => _log.Committed;

    /// <summary>A leader's commit index moved and has not yet been sent to the followers (see <see cref="RaftOptions.DeferCommitBroadcast"/>).</summary>
    public bool HasUnannouncedCommit => _commitUnannounced;

    /// <summary>The highest index handed to the host for applying and acknowledged by <see cref="Advance"/>.</summary>
    public ulong Applied => _log.Applied;

    /// <summary>The last index in the log (stable or not).</summary>
    public ulong LastIndex => _log.LastIndex;

    /// <summary>The first index still in the log (stable or not).</summary>
    internal ulong FirstIndex => _log.FirstIndex;

    /// <summary>The term of a held entry (including unstable ones); false when compacted or beyond the end.</summary>
    internal bool TryGetLogTerm(ulong index, out ulong term) => _log.TryTerm(index, out term);

    /// <summary>The current membership.</summary>
    public ConfState ConfState => _tracker.ConfState();

    /// <summary>The hard state as it stands (persisted once the Ready carrying it is).</summary>
    public HardState HardState => new(Term, Vote, _log.Committed);

    private SoftState SoftState => new(LeaderId, Role);

    /// <summary>Advances logical time by one tick: election timeout for followers, heartbeats and check-quorum for leaders.</summary>
    public void Tick()
    {
        if (Role == RaftRole.Leader)
        {
            AnnounceDeferredCommit();
            TickHeartbeat();
        }
        else
        {
            TickElection();
        }
    }

    /// <summary>
    /// Steps a message received from a peer. Local-only kinds are refused; responses from nodes that
    /// are not members are ignored.
    /// </summary>
    /// <exception cref="ArgumentException">A local-only message kind came from the network.</exception>
    public void Step(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (MessageTypes.IsLocal(message.Type))
        {
            throw new ArgumentException($"{message.Type} is a local message and cannot be received from node {message.From}", nameof(message));
        }
        if (MessageTypes.IsResponse(message.Type) && !_tracker.Progress.ContainsKey(message.From))
        {
            return;
        }
        StepCore(message);
    }

    /// <summary>Proposes an application command. Accepted means appended (leader) or forwarded (follower), not committed.</summary>
    public ProposeResult Propose(ReadOnlyMemory<byte> data) =>
        StepCore(new Message
        {
            Type = MessageType.Propose,
            From = Id,
            Entries = [new Entry(0, 0, EntryType.Normal, data)],
        });

    /// <summary>Proposes a membership change. Apply it with <see cref="ApplyConfChange"/> when its entry is committed.</summary>
    public ProposeResult ProposeConfChange(ConfChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        return StepCore(new Message
        {
            Type = MessageType.Propose,
            From = Id,
            Entries = [new Entry(0, 0, EntryType.ConfChange, ConfChangeCodec.Encode(change))],
        });
    }

    /// <summary>Requests a linearizable read; a <see cref="ReadState"/> with <paramref name="requestId"/> arrives in a later Ready.</summary>
    public ProposeResult ReadIndex(ulong requestId) =>
        StepCore(new Message { Type = MessageType.ReadIndex, From = Id, Context = requestId });

    /// <summary>Asks the leader to hand leadership to <paramref name="target"/>.</summary>
    public void TransferLeader(ulong target) =>
        StepCore(new Message { Type = MessageType.TransferLeader, From = target, To = Id });

    /// <summary>Starts an election now (pre-vote first when enabled).</summary>
    public void Campaign() => StepCore(new Message { Type = MessageType.Hup, From = Id });

    /// <summary>Tells a leader that <paramref name="peer"/> could not be reached, so it probes instead of streaming.</summary>
    public void ReportUnreachable(ulong peer) =>
        StepCore(new Message { Type = MessageType.Unreachable, From = peer });

    /// <summary>Tells a leader whether sending a snapshot to <paramref name="peer"/> finished or failed.</summary>
    public void ReportSnapshot(ulong peer, bool failed) =>
        StepCore(new Message { Type = MessageType.SnapshotStatus, From = peer, Reject = failed });

    /// <summary>
    /// Applies a committed membership change to the tracker and returns the new membership (to store
    /// with the next snapshot). Call it, in log order, for every committed conf-change entry.
    /// </summary>
    /// <exception cref="InvalidOperationException">The change is invalid for the current configuration; nothing changed.</exception>
    public ConfState ApplyConfChange(ConfChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        var (config, progress) = new ConfChanger(_tracker, _log.LastIndex).Apply(change);
        return SwitchToConfig(config, progress);
    }

    /// <summary>True when <see cref="GetReady"/> has something to return.</summary>
    public bool HasReady()
    {
        if (_outstanding is not null)
        {
            return false;
        }
        if (SoftState != _previousSoft)
        {
            return true;
        }
        var hard = HardState;
        if (!hard.IsEmpty && hard != _previousHard)
        {
            return true;
        }
        return _log.HasPendingSnapshot || _log.Unstable.Entries.Count > 0 || _messages.Count > 0
            || _messagesBeforePersist.Count > 0 || _readStates.Count > 0 || _log.HasNextCommittedEntries;
    }

    /// <summary>Collects what the host must persist, send and apply. Call <see cref="Advance"/> before the next call.</summary>
    /// <exception cref="InvalidOperationException">The previous Ready was not advanced.</exception>
    public Ready GetReady()
    {
        if (_outstanding is not null)
        {
            throw new InvalidOperationException("the previous Ready has not been advanced");
        }
        var soft = SoftState;
        var hard = HardState;
        var hardChanged = hard != _previousHard;
        var ready = new Ready
        {
            SoftState = soft != _previousSoft ? soft : null,
            HardState = hardChanged ? hard : null,
            Entries = [.. _log.Unstable.Entries],
            Snapshot = _log.Unstable.Snapshot,
            CommittedEntries = _log.NextCommittedEntries(),
            MessagesBeforePersist = [.. _messagesBeforePersist],
            Messages = [.. _messages],
            ReadStates = [.. _readStates],
            MustSync = _log.Unstable.Entries.Count > 0 || hard.Term != _previousHard.Term || hard.Vote != _previousHard.Vote
                || _log.Unstable.Snapshot is not null,
        };
        _messagesBeforePersist.Clear();
        _messages.Clear();
        _readStates.Clear();
        _outstanding = ready;
        return ready;
    }

    /// <summary>Acknowledges that <paramref name="ready"/> was persisted, sent and handed to the state machine.</summary>
    /// <exception cref="InvalidOperationException"><paramref name="ready"/> is not the outstanding Ready.</exception>
    public void Advance(Ready ready)
    {
        ArgumentNullException.ThrowIfNull(ready);
        if (!ReferenceEquals(ready, _outstanding))
        {
            throw new InvalidOperationException("Advance must be called with the Ready most recently returned by GetReady");
        }
        _outstanding = null;
        if (ready.SoftState is { } soft)
        {
            _previousSoft = soft;
        }
        if (ready.HardState is { } hard)
        {
            _previousHard = hard;
        }
        if (ready.Snapshot is { } snapshot)
        {
            _log.StableSnapshotTo(snapshot.Index);
            _log.AppliedTo(snapshot.Index);
        }
        if (ready.Entries.Count > 0)
        {
            var last = ready.Entries[^1];
            _log.StableTo(last.Index, last.Term);
        }
        if (Role == RaftRole.Leader && (ready.Entries.Count > 0 || ready.Snapshot is not null))
        {
            AcknowledgeOwnPersistence();
        }
        if (ready.CommittedEntries.Count > 0)
        {
            AppliedTo(ready.CommittedEntries[^1].Index, ready.CommittedEntries);
        }
    }

    /// <summary>A consistent picture of this node for status and tests.</summary>
    public RaftStatus Status()
    {
        var progress = new Dictionary<ulong, ProgressStatus>();
        if (Role == RaftRole.Leader)
        {
            foreach (var (id, pr) in _tracker.Progress)
            {
                progress[id] = new ProgressStatus(pr.Match, pr.Next, pr.State, pr.IsLearner, pr.RecentActive, pr.Inflights.Count);
            }
        }
        return new RaftStatus(Id, HardState, Applied, Role, LeaderId, LeadTransferee, ConfState, progress);
    }

    /// <summary>The leader's persisted log reaches further: count itself towards commitment.</summary>
    private void AcknowledgeOwnPersistence()
    {
        if (!_tracker.Progress.TryGetValue(Id, out var self))
        {
            return;
        }
        self.MaybeUpdate(_log.LastStableIndex);
        if (MaybeCommit())
        {
            ReleasePendingReadIndexMessages();
            AnnounceCommit();
        }
    }

    private void AppliedTo(ulong index, IReadOnlyList<Entry> applied)
    {
        _log.AppliedTo(index);
        long bytes = 0;
        foreach (var entry in applied)
        {
            bytes += entry.Data.Length;
        }
        _uncommittedBytes = Math.Max(0, _uncommittedBytes - bytes);
        MaybeAutoLeave();
    }

    /// <summary>
    /// A leader leaves an automatically-left joint configuration once entering it is applied. The
    /// entry has empty data, so the uncommitted-bytes cap never refuses it; a leadership transfer in
    /// progress does, and then the next applied entry or heartbeat tick retries.
    /// </summary>
    private void MaybeAutoLeave()
    {
        if (Role != RaftRole.Leader || !_tracker.Config.AutoLeave || _log.Applied < _pendingConfIndex || LeadTransferee != 0)
        {
            return;
        }
        var result = StepCore(new Message
        {
            Type = MessageType.Propose,
            From = Id,
            Entries = [new Entry(0, 0, EntryType.ConfChange, default)],
        });
        if (result == ProposeResult.Accepted)
        {
            _pendingConfIndex = _log.LastIndex;
        }
    }

    /// <summary>Queues a message from this node; a leader's appends and heartbeats may leave before persistence.</summary>
    private void Send(Message message)
    {
        if (message.From == 0)
        {
            message = message with { From = Id };
        }
        if (message.Type is MessageType.Vote or MessageType.PreVote or MessageType.VoteResponse or MessageType.PreVoteResponse)
        {
            if (message.Term == 0)
            {
                throw new InvalidOperationException($"{message.Type} must carry an explicit term");
            }
        }
        else if (message.Type is not (MessageType.Propose or MessageType.ReadIndex))
        {
            message = message with { Term = Term };
        }
        if (message.Type is MessageType.Append or MessageType.Heartbeat or MessageType.Snapshot or MessageType.TimeoutNow)
        {
            _messagesBeforePersist.Add(message);
        }
        else
        {
            _messages.Add(message);
        }
    }
}
