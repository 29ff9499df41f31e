using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Vectron.Raft.Core;
using Vectron.Raft.Hosting;
using Vectron.Server.Consensus;
using Vectron.Server.Placement;
using Vectron.Storage.Files;
using Vectron.Storage.Log;

namespace Vectron.Server.Node;

/// <summary>
/// The single-node composition behind <c>vectron serve</c>: one data directory (locked), one log
/// engine shared by every group, one snapshot store, one <see cref="RaftHost"/> running the placement
/// group and one group per shard (a one-member cluster on the same code paths a real one uses), and a
/// reconciler that starts and retires shard groups to match the placement state.
/// </summary>
/// <remarks>Thread-safe. Start with <see cref="StartAsync"/>; dispose to stop (the host stops, then the log closes).</remarks>
public sealed partial class VectronNode : IAsyncDisposable
{
    /// <summary>This node's id (the only member of every group).</summary>
    public const ulong NodeId = 1;

    private readonly NodeOptions _options;
    private readonly Func<CollectionRecord, int, IStateMachine> _shardFactory;
    private readonly ILogger _logger;
    private readonly DataDirectoryLock _lock;
    private readonly LogEngine _engine;
    private readonly FileRaftSnapshotStore _snapshots;
    private readonly ConcurrentDictionary<ulong, ShardSlot> _shards = new();
    private readonly SemaphoreSlim _reconcileSignal = new(0);
    private readonly SemaphoreSlim _reconcileGate = new(1, 1);
    private readonly SemaphoreSlim _indexSettingsGate = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private readonly ulong _clientId;
    private long _nextRequestId;
    private ulong _reconciledEpoch;
    private Task _reconcileLoop = Task.CompletedTask;
    private volatile bool _ready;

    private VectronNode(NodeOptions options, Func<CollectionRecord, int, IStateMachine> shardFactory, ILoggerFactory loggerFactory,
        DataDirectoryLock directoryLock, LogEngine engine, FileRaftSnapshotStore snapshots)
    {
        _options = options;
        _shardFactory = shardFactory;
        _logger = loggerFactory.CreateLogger<VectronNode>();
        _lock = directoryLock;
        _engine = engine;
        _snapshots = snapshots;
        // A fresh client session per process: request ids restart at 1 and must not collide with
        // an earlier process's session remembered in the groups' session tables.
        _clientId = (ulong)Random.Shared.NextInt64(1, long.MaxValue);
        Host = new RaftHost(new RaftHostOptions
        {
            NodeId = NodeId,
            TickInterval = options.TickInterval,
            ElectionTicks = 10,
            HeartbeatTicks = 1,
            QuiesceAfterTicks = 30,
            OperationTimeoutTicks = (int)Math.Max(100, options.UnavailableAfter / options.TickInterval),
            SnapshotEveryEntries = options.SnapshotEveryEntries,
            SnapshotEveryBytes = options.SnapshotEveryBytes,
            CompactionOverhead = 100,
            TimeProvider = options.TimeProvider,
            LoggerFactory = loggerFactory,
        }, new LogEngineRaftLogStore(engine), snapshots, new SoloTransport());
    }

    /// <summary>The node's log engine (tests inspect it).</summary>
    internal LogEngine Log => _engine;

    /// <summary>The Raft host running every group of this node.</summary>
    public RaftHost Host { get; }

    /// <summary>The placement driver's state machine on this node.</summary>
    public PlacementStateMachine Placement { get; } = new();

    /// <summary>The node's settings.</summary>
    public NodeOptions Options => _options;

    /// <summary>The full path of the data directory.</summary>
    public string DataDirectory => Path.GetFullPath(_options.DataDirectory);

    /// <summary>True once the placement group and every shard group answered a read after start.</summary>
    public bool IsReady => _ready;

    /// <summary>
    /// Opens the data directory and starts every group: the placement group (founded on first start),
    /// then a group per shard of every collection. Returns once the placement state is readable;
    /// shards become ready shortly after (<see cref="IsReady"/>).
    /// </summary>
    /// <param name="options">Settings.</param>
    /// <param name="shardFactory">Creates the state machine of shard <c>i</c> of a collection.</param>
    /// <param name="loggerFactory">Logging (null: none).</param>
    /// <param name="cancellationToken">Abandons the start.</param>
    /// <exception cref="IOException">The directory is locked by another server, or cannot be opened.</exception>
    public static async Task<VectronNode> StartAsync(NodeOptions options, Func<CollectionRecord, int, IStateMachine> shardFactory,
        ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(shardFactory);
        loggerFactory ??= NullLoggerFactory.Instance;
        Directory.CreateDirectory(options.DataDirectory);
        var directoryLock = DataDirectoryLock.Acquire(options.DataDirectory);
        LogEngine? engine = null;
        try
        {
            long started = options.TimeProvider.GetTimestamp();
            engine = LogEngine.Open(new LogEngineOptions
            {
                Directory = Path.Join(options.DataDirectory, "log"),
                SegmentSize = options.LogSegmentSize,
                TimeProvider = options.TimeProvider,
            });
            var snapshots = FileRaftSnapshotStore.Open(PhysicalFileSystem.Instance, Path.Join(options.DataDirectory, "snapshots"));
            var node = new VectronNode(options, shardFactory, loggerFactory, directoryLock, engine, snapshots);
            long openMilliseconds = (long)options.TimeProvider.GetElapsedTime(started).TotalMilliseconds;
            var recovery = engine.Recovery;
            NodeLog.LogOpened(node._logger, node.DataDirectory, openMilliseconds, recovery.Segments, recovery.Groups);
            await node.StartGroupsAsync(cancellationToken).ConfigureAwait(false);
            return node;
        }
        catch
        {
            engine?.Dispose();
            directoryLock.Dispose();
            throw;
        }
    }

    private async Task StartGroupsAsync(CancellationToken cancellationToken)
    {
        Host.Start();
        await Host.StartGroupAsync(new RaftGroupConfig(PlacementState.PlacementGroupId, Placement) { InitialMembers = [NodeId] }, cancellationToken)
            .ConfigureAwait(false);
        // A linearizable read returns once the group has a leader and has applied its whole log.
        var barrier = await ReadBarrierAsync(PlacementState.PlacementGroupId, ReadConsistency.Linearizable, cancellationToken).ConfigureAwait(false);
        if (!barrier.IsOk)
        {
            throw new IOException($"the placement group did not become ready ({barrier.Outcome})");
        }
        var state = Placement.Current;
        NodeLog.PlacementReady(_logger, state.Epoch, state.Collections.Count);
        await RemoveAbandonedRecoveriesAsync(state, cancellationToken).ConfigureAwait(false);
        state = Placement.Current;
        await RemoveRetiredDataAsync(state, cancellationToken).ConfigureAwait(false);
        Placement.Changed += _ => _reconcileSignal.Release();
        await ReconcileAsync(cancellationToken).ConfigureAwait(false);
        _reconcileLoop = Task.Run(ReconcileLoopAsync, CancellationToken.None);
        _ = Task.Run(() => WaitUntilReadyAsync(_stopping.Token), CancellationToken.None);
    }

    /// <summary>The running replica of a shard group, or null.</summary>
    public ShardSlot? Shard(ulong groupId) => _shards.TryGetValue(groupId, out var slot) && !slot.Retired ? slot : null;

    /// <summary>
    /// Proposes a command to a group, retrying (same request id, so it applies at most once) while the
    /// group has no leader or is busy, up to <see cref="NodeOptions.UnavailableAfter"/>.
    /// </summary>
    public async Task<RaftResult<ReadOnlyMemory<byte>>> ProposeAsync(ulong groupId, ReadOnlyMemory<byte> command, CancellationToken cancellationToken)
    {
        ulong requestId = (ulong)Interlocked.Increment(ref _nextRequestId);
        long started = _options.TimeProvider.GetTimestamp();
        while (true)
        {
            var result = await Host.ProposeAsync(groupId, _clientId, requestId, command, cancellationToken).ConfigureAwait(false);
            if (!ShouldRetry(result.Outcome) || _options.TimeProvider.GetElapsedTime(started) > _options.UnavailableAfter)
            {
                return result;
            }
            await Task.Delay(RetryDelay, _options.TimeProvider, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Waits until a read at <paramref name="consistency"/> may be served by this node: linearizable =
    /// the group's leader confirmed its read index and this replica applied that far; stale = the
    /// replica's apply lane has handled everything handed to it so far. Retries like <see cref="ProposeAsync"/>.
    /// </summary>
    public Task<RaftResult<ReadOnlyMemory<byte>>> ReadBarrierAsync(ulong groupId, ReadConsistency consistency, CancellationToken cancellationToken) =>
        LookupAsync(groupId, ReadOnlyMemory<byte>.Empty, consistency, cancellationToken);

    /// <summary>
    /// Runs <paramref name="query"/> on the group's state machine, on its apply lane (between applies), at
    /// <paramref name="consistency"/>; retried as <see cref="ReadBarrierAsync"/> is.
    /// </summary>
    public async Task<RaftResult<ReadOnlyMemory<byte>>> LookupAsync(ulong groupId, ReadOnlyMemory<byte> query, ReadConsistency consistency, CancellationToken cancellationToken)
    {
        long started = _options.TimeProvider.GetTimestamp();
        while (true)
        {
            var result = await Host.ReadAsync(groupId, query, consistency, cancellationToken).ConfigureAwait(false);
            if (!ShouldRetry(result.Outcome) || _options.TimeProvider.GetElapsedTime(started) > _options.UnavailableAfter)
            {
                return result;
            }
            await Task.Delay(RetryDelay, _options.TimeProvider, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Proposes a placement command and decodes its outcome (null: the group did not answer; see the Raft outcome).</summary>
    public async Task<(RaftOutcome Raft, PlacementOutcome Placement)> ProposePlacementAsync(PlacementCommand command, CancellationToken cancellationToken)
    {
        var result = await ProposeAsync(PlacementState.PlacementGroupId, PlacementCodec.Encode(command), cancellationToken).ConfigureAwait(false);
        if (!result.IsOk)
        {
            return (result.Outcome, default);
        }
        var outcome = PlacementCodec.DecodeOutcome(result.Value.Span);
        if (outcome.IsOk)
        {
            // Shard groups of a new collection run (and old ones are retired) before the caller is answered.
            await WaitReconciledAsync(outcome.Epoch, cancellationToken).ConfigureAwait(false);
            if (command is CreateCollectionCommand create && Placement.Current.Collections.GetValueOrDefault(create.Name) is { } created)
            {
                // ... and have elected their leader, so the first writes are not retried (and so
                // not reordered behind later requests) while elections run.
                await Task.WhenAll(created.ShardGroups.Select(group => ReadBarrierAsync(group, ReadConsistency.Linearizable, cancellationToken)))
                    .ConfigureAwait(false);
            }
        }
        return (RaftOutcome.Ok, outcome);
    }

    private static TimeSpan RetryDelay => TimeSpan.FromMilliseconds(20);

    private static bool ShouldRetry(RaftOutcome outcome) => outcome is RaftOutcome.NotLeader or RaftOutcome.Dropped or RaftOutcome.Busy;

    private async Task WaitReconciledAsync(ulong epoch, CancellationToken cancellationToken)
    {
        while (Volatile.Read(ref _reconciledEpoch) < epoch)
        {
            // Reconciling is cheap and idempotent: do it here rather than wait for the loop.
            await ReconcileAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task ReconcileLoopAsync()
    {
        var token = _stopping.Token;
        while (!token.IsCancellationRequested)
        {
            try
            {
                await _reconcileSignal.WaitAsync(token).ConfigureAwait(false);
                await ReconcileAsync(token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // The loop must survive; the failure is logged and the next change retries.
            catch (Exception e)
#pragma warning restore CA1031
            {
                NodeLog.ReconcileFailed(_logger, e);
            }
        }
    }

    /// <summary>Starts the groups of collections in the placement state and retires those of deleted ones.</summary>
    private async Task ReconcileAsync(CancellationToken cancellationToken)
    {
        await _reconcileGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var state = Placement.Current;
            var wanted = new HashSet<ulong>();
            foreach (var collection in state.Collections.Values)
            {
                for (int shard = 0; shard < collection.ShardGroups.Length; shard++)
                {
                    ulong group = collection.ShardGroups[shard];
                    wanted.Add(group);
                    if (_shards.ContainsKey(group))
                    {
                        continue;
                    }
                    var slot = new ShardSlot(collection, shard, _shardFactory(collection, shard));
                    await Host.StartGroupAsync(new RaftGroupConfig(group, slot) { InitialMembers = [NodeId] }, cancellationToken).ConfigureAwait(false);
                    _shards[group] = slot;
                    NodeLog.ShardStarted(_logger, shard, collection.Name, group);
                }
            }
            foreach (var (group, slot) in _shards)
            {
                if (!wanted.Contains(group))
                {
                    // Stop the group (its lane finishes and never applies again), drop the state
                    // machine, then remove the group's log and snapshots: the host writes nothing
                    // more for a stopped group. A crash in between is finished at the next start.
                    await Host.StopGroupAsync(group, cancellationToken).ConfigureAwait(false);
                    slot.Retire();
                    _shards.TryRemove(group, out _);
                    NodeLog.GroupRetired(_logger, group);
                    await RemoveGroupDataAsync([group], cancellationToken).ConfigureAwait(false);
                }
            }
            if (state.Epoch > Volatile.Read(ref _reconciledEpoch))
            {
                Volatile.Write(ref _reconciledEpoch, state.Epoch);
            }
        }
        finally
        {
            _reconcileGate.Release();
        }
    }

    /// <summary>
    /// Deletes the hidden collections of snapshot recoveries a crash interrupted (none can be running:
    /// the gateway starts after the node), before their groups start; their data goes with the
    /// retired groups'. The collection each was to replace was never touched.
    /// </summary>
    private async Task RemoveAbandonedRecoveriesAsync(PlacementState state, CancellationToken cancellationToken)
    {
        foreach (string name in state.Collections.Keys)
        {
            if (!PlacementState.IsHidden(name))
            {
                continue;
            }
            var result = await ProposeAsync(PlacementState.PlacementGroupId, PlacementCodec.Encode(new DeleteCollectionCommand(name)), cancellationToken)
                .ConfigureAwait(false);
            if (!result.IsOk || !PlacementCodec.DecodeOutcome(result.Value.Span).IsOk)
            {
                throw new IOException($"could not remove the collection `{name}` of an interrupted snapshot recovery ({result.Outcome})");
            }
            NodeLog.AbandonedRecoveryRemoved(_logger, name);
        }
    }

    /// <summary>
    /// Drops the log entries and snapshot files of groups whose collection was deleted (those a crash
    /// left behind). Runs at start, before those groups could run: the host never writes to a group
    /// it does not run.
    /// </summary>
    private Task RemoveRetiredDataAsync(PlacementState state, CancellationToken cancellationToken) =>
        RemoveGroupDataAsync(state.RetiredGroups, cancellationToken);

    /// <summary>Compacts the groups' logs (entries and snapshot records) to their end and deletes their snapshot files.</summary>
    private async Task RemoveGroupDataAsync(IEnumerable<ulong> groups, CancellationToken cancellationToken)
    {
        var batch = new WriteBatch();
        foreach (ulong group in groups)
        {
            bool removed = false;
            foreach (ulong logGroup in (ReadOnlySpan<ulong>)[group, group | LogEngineRaftLogStore.MetadataGroupBit])
            {
                if (_engine.GetGroup(logGroup) is { } info && info.LastIndex >= info.FirstIndex && info.LastIndex > 0
                    && _engine.TryGetTerm(logGroup, info.LastIndex, out ulong term))
                {
                    batch.Compact(logGroup, info.LastIndex, term);
                    removed = true;
                }
            }
            if (_snapshots.HeldIndexes(group).Count > 0)
            {
                _snapshots.Release(group, ulong.MaxValue);
                removed = true;
            }
            if (removed)
            {
                NodeLog.GroupDataRemoved(_logger, group);
            }
        }
        if (!batch.IsEmpty)
        {
            await _engine.WriteAsync(batch, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        try
        {
            foreach (var group in _shards.Keys.ToArray())
            {
                var result = await ReadBarrierAsync(group, ReadConsistency.Linearizable, cancellationToken).ConfigureAwait(false);
                while (result.Outcome == RaftOutcome.Timeout)
                {
                    result = await ReadBarrierAsync(group, ReadConsistency.Linearizable, cancellationToken).ConfigureAwait(false);
                }
                if (!result.IsOk && result.Outcome != RaftOutcome.UnknownGroup)
                {
                    // A group that cannot serve (its state machine failed, the host stops): the node
                    // stays not ready (/readyz answers 503) and says why.
                    NodeLog.GroupNotReady(_logger, group, result.Outcome.ToString());
                    return;
                }
            }
            // A crash between a collection update and its shard commands leaves shards on the old
            // index settings: every shard has applied its log now, so compare and finish the job.
            foreach (string name in Placement.Current.Collections.Keys)
            {
                var (_, results) = await SyncIndexSettingsAsync(name, onlyWhereDifferent: true, cancellationToken).ConfigureAwait(false);
                foreach (var result in results)
                {
                    if (!result.IsOk || (!result.Value.IsEmpty && Worker.ShardCommandCodec.DecodeResult(result.Value.Span) is { IsApplied: false }))
                    {
                        // The shard keeps serving with its old settings; the next update or start tries again.
                        NodeLog.IndexSettingsNotApplied(_logger, name, result.Outcome.ToString());
                    }
                }
            }
            _ready = true;
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>The Raft status of a group on this node (null when it does not run here).</summary>
    public Task<RaftStatus?> GroupStatusAsync(ulong groupId, CancellationToken cancellationToken) => Host.GetStatusAsync(groupId, cancellationToken);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await _reconcileLoop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        await Host.DisposeAsync().ConfigureAwait(false);
        foreach (var slot in _shards.Values)
        {
            slot.Retire();
        }
        await _engine.DisposeAsync().ConfigureAwait(false);
        _lock.Dispose();
        _stopping.Dispose();
        _reconcileSignal.Dispose();
        _reconcileGate.Dispose();
        _indexSettingsGate.Dispose();
    }
}
