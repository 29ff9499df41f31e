using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Vectron.Raft.Core;

namespace Vectron.Raft.Hosting;

/// <summary>
/// Runs many Raft groups in one process (one host per node, like Dragonboat's NodeHost). One
/// consensus loop steps every group with work, sends the messages that may leave before
/// persistence, persists every group's entries and hard state with one <see cref="IRaftLogStore"/>
/// write (one sync), sends the rest (batched per destination node), hands committed entries to
/// each group's apply lane and advances the groups.
/// </summary>
/// <remarks>
/// <para>Threads: only <see cref="Start"/> starts any (a tick timer). The loop has no thread of its
/// own: a thread that queues work while the loop is idle runs it (<see cref="Signal"/>), so a
/// proposal or a received message is stepped without a thread-pool wake-up. Without <see cref="Start"/>
/// the host is driven synchronously by <see cref="ProcessOnce"/> and <see cref="AddTicks"/> (the
/// deterministic simulation). The client methods are thread-safe; they queue work for the loop.</para>
/// <para>Quiescence: a group with no activity (anything but heartbeats) for
/// <see cref="RaftHostOptions.QuiesceAfterTicks"/> ticks, a known leader, and (on the leader) every
/// member's log matching and everything committed and handed over, stops ticking: no heartbeats, no
/// election timer. A quiescing leader tells its followers, which stop too. Any message other than a
/// heartbeat, any client operation, and any unreachable report wakes the group. Stopping the clock
/// cannot break safety (Raft's safety never depends on timing); liveness holds because a woken
/// follower keeps ticking: if the leader is gone, its pre-votes wake the other members, whose
/// leader lease then runs out, and an election follows.</para>
/// </remarks>
public sealed partial class RaftHost : IRaftTransportHandler, IAsyncDisposable
{
    private readonly RaftHostOptions _options;
    private readonly IRaftLogStore _store;
    private readonly IRaftSnapshotStore _snapshots;
    private readonly ITransport _transport;
    private readonly IApplyScheduler _scheduler;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    // Work for the loop, queued from any thread.
    private readonly ConcurrentQueue<Func<ValueTask>> _commands = new();
    private readonly ConcurrentQueue<RaftMessageBatch> _incoming = new();
    private readonly ConcurrentQueue<(ulong From, SnapshotChunk Chunk)> _incomingChunks = new();
    private long _pendingTicks;

    // Who runs the loop (see Signal): idle, driving, driving with more work signalled, or stopped for good.
    private const int Idle = 0;
    private const int Driving = 1;
    private const int DrivingSignaled = 2;
    private const int Halted = 3;
    private int _driveState;
    private Task _driveDone = Task.CompletedTask;

    // Set on a thread while it runs the synchronous start of a drive: a host's loop never starts another host's
    // drive inline on the same stack (an in-memory transport delivers as it sends); that one goes to the pool.
    [ThreadStatic]
    private static bool _startingDrive;

    // Operations waiting for an outcome, completed from the loop or the apply lanes.
    private readonly ConcurrentDictionary<(ulong Group, ulong Client, ulong Request), PendingProposal> _proposals = new();
    private readonly ConcurrentDictionary<ulong, PendingConfChange> _confChanges = new();
    private readonly ConcurrentDictionary<ulong, ApplyLane> _lanes = new();
    // Each running group's leader as the loop last learned it (0: none known), for KnownLeader.
    private readonly ConcurrentDictionary<ulong, ulong> _knownLeaders = new();
    private long _pendingProposalCount;
    private long _nextOperationId;

    // Loop-only state.
    private readonly Dictionary<ulong, RaftGroup> _groups = [];
    private readonly HashSet<RaftGroup> _awake = [];
    private readonly List<RaftGroup> _tickList = [];
    private readonly List<RaftGroup> _dirty = [];

    // Groups whose commit-only hard state waits for the next synced write (loop thread only).
    private readonly List<RaftGroup> _unwrittenHardStates = [];
    private readonly PriorityQueue<PendingOperation, long> _deadlines = new();

    /// <summary>Operations whose deadline the loop still tracks (for tests).</summary>
    internal int TrackedDeadlines => _deadlines.Count;
    private readonly Dictionary<(ulong Group, ulong From), ((ulong Term, ulong Index, ulong SnapshotTerm) Id, MemoryStream Stream)> _snapshotAssemblies = [];
    private readonly Dictionary<ulong, List<GroupMessage>> _outgoing = [];
    private readonly Dictionary<ulong, List<ulong>> _outgoingQuiesce = [];
    private long _tick;
    private ulong _nextReadId;
    private int _quiescedCount;

    private CancellationTokenSource? _stopping;
    private ITimer? _timer;
    private volatile bool _started;
    private volatile bool _stopped;

    /// <summary>Creates a host and binds it to <paramref name="transport"/>; no thread starts until <see cref="Start"/>.</summary>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public RaftHost(RaftHostOptions options, IRaftLogStore store, IRaftSnapshotStore snapshots, ITransport transport)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(snapshots);
        ArgumentNullException.ThrowIfNull(transport);
        options.Validate();
        _options = options;
        _store = store;
        _snapshots = snapshots;
        _transport = transport;
        _scheduler = options.ApplyScheduler ?? ThreadPoolApplyScheduler.Instance;
        _time = options.TimeProvider;
        _logger = (options.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger<RaftHost>();
        NodeId = options.NodeId;
        Metrics = new RaftHostMetrics(NodeId, _time, SumBacklogs, () => Interlocked.Read(ref _pendingProposalCount),
            () => Volatile.Read(ref _awakeCount), () => Volatile.Read(ref _quiescedCount));
        transport.Bind(NodeId, this);
    }

    private int _awakeCount;

    /// <summary>This node's id.</summary>
    public ulong NodeId { get; }

    internal RaftHostMetrics Metrics { get; }

    /// <summary>Groups that tick (not quiesced).</summary>
    internal int AwakeGroups => Volatile.Read(ref _awakeCount);

    /// <summary>Ticks processed so far.</summary>
    internal long CurrentTick => Interlocked.Read(ref _tick);

    /// <summary>
    /// Starts the consensus loop and the tick timer (<see cref="RaftHostOptions.TickInterval"/> on the options' clock).
    /// The loop has no thread of its own: whoever brings it work while it is idle runs it (see <see cref="Signal"/>).
    /// </summary>
    /// <exception cref="InvalidOperationException">Already started or stopped.</exception>
    public void Start()
    {
        if (_started || _stopped)
        {
            throw new InvalidOperationException("the host was already started or stopped");
        }
        _stopping = new CancellationTokenSource();
        _started = true;
        _timer = _time.CreateTimer(static state => ((RaftHost)state!).AddTicks(1), this, _options.TickInterval, _options.TickInterval);
        Signal(); // work posted before Start
    }

    /// <summary>Stops the loop and the timer; operations still waiting end with <see cref="RaftOutcome.Stopped"/>.</summary>
    public async ValueTask StopAsync()
    {
        if (_stopped)
        {
            return;
        }
        _stopped = true;
        if (_timer is not null)
        {
            await _timer.DisposeAsync().ConfigureAwait(false);
        }
        if (_stopping is not null)
        {
            await _stopping.CancelAsync().ConfigureAwait(false);
            // Take the loop for good: wait out a running drive; afterwards none can start.
            while (true)
            {
                int state = Interlocked.CompareExchange(ref _driveState, Halted, Idle);
                if (state is Idle or Halted)
                {
                    break;
                }
                var running = Volatile.Read(ref _driveDone);
                if (running.IsCompleted)
                {
                    await Task.Yield(); // a drive is starting and has not published its task yet
                }
                else
                {
                    await running.ConfigureAwait(false);
                }
            }
            _stopping.Dispose();
        }
        await WriteUnwrittenHardStatesAsync().ConfigureAwait(false);
        _knownLeaders.Clear(); // no group runs here any more
        FailEverything(RaftOutcome.Stopped);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        Metrics.Dispose();
    }

    /// <summary>
    /// Starts a group on this host: restarts it from the log store when it has state, else
    /// bootstraps it with <see cref="RaftGroupConfig.InitialMembers"/> (or joins, when empty).
    /// Completes once the group runs.
    /// </summary>
    /// <exception cref="InvalidOperationException">The group already runs on this host.</exception>
    public Task StartGroupAsync(RaftGroupConfig config, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(config.StateMachine);
        var completion = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Post(async () =>
        {
            try
            {
                await StartGroupOnLoopAsync(config, cancellationToken).ConfigureAwait(false);
                completion.TrySetResult();
            }
#pragma warning disable CA1031 // Handed to the caller through the task.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                completion.TrySetException(exception);
            }
        });
        return completion.Task.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// Stops a group on this host (its collection was deleted): the group leaves the loop, its waiting
    /// reads, transfers and proposals end with <see cref="RaftOutcome.Stopped"/>, messages for it are
    /// ignored, and its apply lane finishes what was handed to it and then never calls the state
    /// machine again. Completes (true) once the lane has stopped; false when the group does not run
    /// here. The group's persisted log and snapshots are left as they are: once this completes the
    /// host writes nothing more for the group, so the caller may remove them.
    /// </summary>
    public Task<bool> StopGroupAsync(ulong groupId, CancellationToken cancellationToken = default)
    {
        var completion = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        Post(() =>
        {
            if (!_groups.Remove(groupId, out var group))
            {
                completion.TrySetResult(false);
                return;
            }
            _lanes.TryRemove(groupId, out _);
            _knownLeaders.TryRemove(groupId, out _);
            if (group.Dirty)
            {
                _dirty.Remove(group);
                group.Dirty = false;
            }
            // Nothing more is written for a stopped group, not even its commit index: the caller may remove its log.
            group.UnwrittenHardState = null;
            _unwrittenHardStates.Remove(group);
            if (_awake.Remove(group))
            {
                Interlocked.Decrement(ref _awakeCount);
            }
            else if (group.Quiesced)
            {
                Interlocked.Decrement(ref _quiescedCount);
            }
            foreach (var read in group.Reads.Values)
            {
                read.Fail(RaftOutcome.Stopped);
            }
            foreach (var (_, read) in group.ReadsWaitingForApply)
            {
                read.Fail(RaftOutcome.Stopped);
            }
            foreach (var transfer in group.Transfers)
            {
                transfer.Fail(RaftOutcome.Stopped);
            }
            group.Reads.Clear();
            group.ReadsWaitingForApply.Clear();
            group.Transfers.Clear();
            foreach (var (key, proposal) in _proposals)
            {
                if (key.Group == groupId)
                {
                    FailProposal(proposal, RaftOutcome.Stopped);
                }
            }
            var laneStopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            group.Lane.Stop(laneStopped);
            _ = laneStopped.Task.ContinueWith(_ => completion.TrySetResult(true), CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            RaftHostLog.GroupStopped(_logger, NodeId, groupId);
        });
        return completion.Task.WaitAsync(cancellationToken);
    }

    /// <summary>The group's Raft status as the loop sees it, or null when the group does not run here.</summary>
    public Task<RaftStatus?> GetStatusAsync(ulong groupId, CancellationToken cancellationToken = default)
    {
        var completion = new TaskCompletionSource<RaftStatus?>(TaskCreationOptions.RunContinuationsAsynchronously);
        Post(() => completion.TrySetResult(_groups.TryGetValue(groupId, out var group) ? group.Node.Status() : null));
        return completion.Task.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// The group's leader as this host last learned it (0 while it knows none), or null when the group does not run
    /// here. Read without the loop — a dictionary lookup, cheap enough for every request (answering "not the leader"
    /// without a proposal, or routing) — so it may lag the loop by the iteration in progress: the loop publishes a
    /// change when it hands over the Ready that carries it.
    /// </summary>
    public ulong? KnownLeader(ulong groupId) => _knownLeaders.TryGetValue(groupId, out var leader) ? leader : null;

    /// <summary>Adds ticks for the loop to process (the timer's callback; the simulation calls it directly).</summary>
    internal void AddTicks(int count)
    {
        Interlocked.Add(ref _pendingTicks, count);
        Signal();
    }

    /// <summary>Runs one loop iteration on the calling thread; true when more work is already waiting.</summary>
    internal bool ProcessOnce() => ProcessOnceAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult();

    /// <summary>The group as the loop holds it (tests and the simulation, from the driving thread only).</summary>
    internal RaftGroup? GroupOf(ulong groupId) => _groups.GetValueOrDefault(groupId);

    /// <summary>
    /// Runs loop iterations until no work is left, then goes idle; if work was signalled meanwhile, runs on. Only one
    /// drive runs at a time (<see cref="_driveState"/>), so the loop's state stays single-threaded.
    /// </summary>
    private async Task DriveAsync(TaskCompletionSource done, CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                Volatile.Write(ref _driveState, Driving);
                while (await ProcessOnceAsync(cancellationToken).ConfigureAwait(false))
                {
                }
                // Idle unless someone signalled since the write above (their work is queued: run again).
                if (Interlocked.CompareExchange(ref _driveState, Idle, Driving) == Driving)
                {
                    return;
                }
            }
            Volatile.Write(ref _driveState, Idle);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Volatile.Write(ref _driveState, Idle);
        }
#pragma warning disable CA1031 // A failed loop (a storage failure) must not vanish silently: log and fail every caller.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            RaftHostLog.LoopFailed(_logger, exception, NodeId);
            _stopped = true;
            Volatile.Write(ref _driveState, Halted);
            FailEverything(RaftOutcome.Stopped);
        }
        finally
        {
            done.TrySetResult();
        }
    }

    private void Post(Action action) => Post(() =>
    {
        action();
        return ValueTask.CompletedTask;
    });

    private void Post(Func<ValueTask> command)
    {
        _commands.Enqueue(command);
        Signal();
    }

    /// <summary>
    /// Tells the loop there is work (already queued). When the loop is idle the caller runs it, on its own thread,
    /// until the loop's first wait (the log write): no thread-pool wake-up between a proposal or a received message
    /// and its step. When a drive is running, it is told to look again before it goes idle. Before
    /// <see cref="Start"/> (and in the simulation, which calls <see cref="ProcessOnce"/>) nothing runs.
    /// </summary>
    private void Signal()
    {
        if (!_started)
        {
            return;
        }
        while (true)
        {
            switch (Volatile.Read(ref _driveState))
            {
                case Idle:
                    if (Interlocked.CompareExchange(ref _driveState, Driving, Idle) == Idle)
                    {
                        BeginDrive();
                        return;
                    }
                    break;
                case Driving:
                    if (Interlocked.CompareExchange(ref _driveState, DrivingSignaled, Driving) == Driving)
                    {
                        return;
                    }
                    break;
                default:
                    return; // already signalled, or halted
            }
        }
    }

    private void BeginDrive()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _driveDone, done.Task);
        var token = _stopping!.Token;
        if (_startingDrive)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static state => state.Host.StartDriveHere(state.Done, state.Token), (Host: this, Token: token, Done: done), preferLocal: false);
            return;
        }
        StartDriveHere(done, token);
    }

    private void StartDriveHere(TaskCompletionSource done, CancellationToken token)
    {
        _startingDrive = true;
        try
        {
            _ = DriveAsync(done, token);
        }
        finally
        {
            _startingDrive = false;
        }
    }

    private long SumBacklogs()
    {
        long total = 0;
        foreach (var lane in _lanes.Values)
        {
            total += lane.Backlog;
        }
        return total;
    }

    private async ValueTask StartGroupOnLoopAsync(RaftGroupConfig config, CancellationToken cancellationToken)
    {
        var groupId = config.GroupId;
        if (_groups.ContainsKey(groupId))
        {
            throw new InvalidOperationException($"group {groupId} already runs on node {NodeId}");
        }
        var bootstrap = !_store.Contains(groupId) && config.InitialMembers.Count > 0;
        if (bootstrap)
        {
            // As etcd's Bootstrap: the founding membership is a run of committed conf-change entries
            // at term 1, identical on every founder, so a member that joins later learns it from the log.
            var entries = new List<Entry>(config.InitialMembers.Count);
            foreach (var member in config.InitialMembers)
            {
                var change = new ConfChange([new ConfChangeSingle(ConfChangeType.AddNode, member)]);
                entries.Add(new Entry((ulong)entries.Count + 1, 1, EntryType.ConfChange, ConfChangeCodec.Encode(change)));
            }
            var batch = new RaftLogBatch();
            batch.Add(new RaftGroupUpdate(groupId) { Entries = entries, HardState = new HardState(1, 0, (ulong)entries.Count) });
            await _store.WriteAsync(batch, cancellationToken).ConfigureAwait(false);
        }
        var storage = _store.OpenGroup(groupId);
        var snapshot = _store.SnapshotMetadata(groupId);
        var node = new RaftNode(new RaftOptions
        {
            Id = NodeId,
            ElectionTicks = _options.ElectionTicks,
            HeartbeatTicks = _options.HeartbeatTicks,
            Applied = snapshot.Index,
            MaxMessageBytes = _options.MaxMessageBytes,
            DeferCommitBroadcast = _options.DeferCommitBroadcast,
            Random = new Random(MixSeed(_options.RandomSeed, groupId, NodeId)),
        }, storage);
        var lane = new ApplyLane(this, groupId, config.StateMachine, snapshot, _options, _snapshots, _scheduler);
        if (snapshot.Index > 0)
        {
            lane.EnqueueRestore(snapshot);
        }
        var group = new RaftGroup(groupId, node, storage, lane, snapshot.Index);
        _groups[groupId] = group;
        _lanes[groupId] = lane;
        _knownLeaders[groupId] = 0;
        _awake.Add(group);
        Interlocked.Increment(ref _awakeCount);
        MarkDirty(group);
        RaftHostLog.GroupStarted(_logger, NodeId, groupId, bootstrap, snapshot.Index);
    }

    private static int MixSeed(int seed, ulong groupId, ulong nodeId)
    {
        // Not HashCode.Combine: it is randomized per process, and simulations must replay.
        var mixed = unchecked(((ulong)seed * 0x9E3779B97F4A7C15UL) ^ (groupId * 0xC2B2AE3D27D4EB4FUL) ^ (nodeId * 0x165667B19E3779F9UL));
        return unchecked((int)(mixed ^ (mixed >> 32)));
    }

    private void FailEverything(RaftOutcome outcome)
    {
        foreach (var (key, proposal) in _proposals)
        {
            if (_proposals.TryRemove(new KeyValuePair<(ulong, ulong, ulong), PendingProposal>(key, proposal)))
            {
                Interlocked.Decrement(ref _pendingProposalCount);
                proposal.Group?.ProposalEnded();
                proposal.Fail(outcome);
            }
        }
        foreach (var (id, change) in _confChanges)
        {
            if (_confChanges.TryRemove(new KeyValuePair<ulong, PendingConfChange>(id, change)))
            {
                change.Fail(outcome);
            }
        }
        // Reads and transfers live in loop-owned lists; with the loop stopped their deadlines are all that remain.
        while (_deadlines.TryDequeue(out var operation, out _))
        {
            operation.Fail(outcome);
        }
    }
}
