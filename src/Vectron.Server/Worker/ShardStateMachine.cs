using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Vectron.Index;
using Vectron.Raft.Hosting;
using Vectron.Server.Model;

namespace Vectron.Server.Worker;

/// <summary>
/// One shard's replicated state: points (vector + JSON payload), payload indexes and the HNSW graph,
/// applied from its Raft group's log. Commands apply wholly or not at all.
/// </summary>
/// <remarks>
/// <para>Thread-safety: the host calls <see cref="Apply"/>, the snapshot methods and <see cref="Lookup"/>
/// from the group's apply lane, one at a time. The read methods (<see cref="Search"/>, <see cref="Get(PointId, PayloadSelector, bool)"/>,
/// <see cref="Count"/>, <see cref="Scroll"/>, <see cref="GetStats"/>) may be called from any thread at
/// any time and see every command applied before they started.</para>
/// <para>Points live in slots (dense ints; the HNSW key of a point is its slot). Lock order: the
/// indexer gate, then the state lock. The state lock is a reader-writer lock: Apply holds it for
/// writing per command, reads hold it for reading; the indexer holds it only to take work and to
/// publish what it inserted, and inserts into the graph (which is itself concurrent) in between.
/// A slot counts as indexed only when the graph holds its current vector; searches admit from the
/// graph only indexed slots and scan every other live slot (the tail) exactly. After a
/// <see cref="ReconfigureIndex"/> the indexer also builds a second graph with the new settings while
/// the current one keeps serving, and swaps it in once it holds every live point (ShardStateMachine.Rebuild.cs).</para>
/// </remarks>
public sealed partial class ShardStateMachine : IStateMachine, IDisposable
{
    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);
    private readonly Lock _indexerGate = new();
    private readonly ILogger _logger;

    private readonly List<StoredPoint?> _slots = [];
    private readonly Stack<int> _freeSlots = new();
    private readonly List<bool> _inGraph = [];
    private readonly Dictionary<PointId, int> _ids = [];
    private readonly SortedSet<PointId> _order = [];
    private readonly SlotSet _tail = new();
    private readonly Queue<int> _work = new();

    // Slots whose graph insert or delete failed (a bug, not a bad point): queued again at the indexer's next wake-up
    // or IndexPending call, not at once, so a point that always fails cannot spin the indexer. Under the state lock.
    private readonly List<int> _retry = [];
    private readonly PayloadIndexSet _payloadIndexes = new();

    private readonly SemaphoreSlim _signal = new(0);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task? _indexerTask;

    private HnswIndex _graph;
    private long _vectorVersions;
    private ulong _appliedIndex;
    private int _disposed;

    /// <summary>Creates an empty shard; starts its indexer task when <see cref="ShardOptions.BackgroundIndexing"/> is set.</summary>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public ShardStateMachine(ShardOptions options, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<ShardStateMachine>();
        _graph = new HnswIndex(options.ToHnswOptions());
        if (options.BackgroundIndexing)
        {
            _indexerTask = Task.Run(() => RunIndexerAsync(_stopping.Token));
        }
    }

    /// <summary>
    /// The shard's options: those it was created with, then as the last applied
    /// <see cref="ReconfigureIndex"/> (or the restored snapshot) set the index parameters. Replaced
    /// as a whole under the state lock; dimension and metric never change.
    /// </summary>
    public ShardOptions Options { get; private set; }

    /// <summary>Graph nodes including tombstones (tests check that a restore loads the graph rather than rebuilding it).</summary>
    internal int GraphNodeCount
    {
        get
        {
            _lock.EnterReadLock();
            try
            {
                return _graph.NodeCount;
            }
            finally
            {
                _lock.ExitReadLock();
            }
        }
    }

    /// <inheritdoc />
    public void Apply(ReadOnlySpan<StateMachineCommand> commands, Span<ReadOnlyMemory<byte>> results)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        bool queued = false;
        for (int i = 0; i < commands.Length; i++)
        {
            StateMachineCommand command = commands[i];
            ShardCommandResult result = ShardCommandCodec.TryDecode(command.Payload.Span, out ShardCommand? decoded, out string error)
                ? Execute(decoded, command.Index)
                : ShardCommandResult.BadRequest("malformed shard command: " + error);
            results[i] = ShardCommandCodec.EncodeResult(result);
            _lock.EnterWriteLock();
            try
            {
                _appliedIndex = command.Index;
                queued |= _work.Count > 0 || _rebuild is not null;
            }
            finally
            {
                _lock.ExitWriteLock();
            }
        }

        if (queued)
        {
            WakeIndexer();
        }
    }

    /// <summary>The lookup query whose answer is the shard's snapshot (docs/formats/shard.md), taken on the apply lane.</summary>
    public static ReadOnlyMemory<byte> SnapshotQuery { get; } = "snapshot"u8.ToArray();

    /// <summary>
    /// Answers <see cref="SnapshotQuery"/> with the shard's snapshot and every other query, the gateway's empty read
    /// barrier included, with an empty answer (reads go through the typed methods). A snapshot taken here runs on the
    /// apply lane, between applies: no apply waits for the state lock meanwhile, so searches (which only read) are
    /// never held back behind a waiting writer, as they were when a snapshot was taken beside the lane.
    /// </summary>
    public ReadOnlyMemory<byte> Lookup(ReadOnlyMemory<byte> query)
    {
        if (!query.Span.SequenceEqual(SnapshotQuery.Span))
        {
            return ReadOnlyMemory<byte>.Empty;
        }
        using var snapshot = new MemoryStream();
        SaveSnapshotAsync(snapshot, CancellationToken.None).GetAwaiter().GetResult(); // written synchronously
        return snapshot.ToArray();
    }

    /// <summary>Stops the indexer (waiting for its current batch) and releases the graph. Reads and applies must have stopped.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _stopping.Cancel();
        try
        {
            _indexerTask?.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
            // The indexer stops by cancellation.
        }

        lock (_indexerGate)
        {
            _graph.Dispose();
            _rebuild?.Dispose();
        }

        _stopping.Dispose();
        _signal.Dispose();
        _lock.Dispose();
    }

    private int SlotOf(PointId id) => _ids.TryGetValue(id, out int slot) ? slot : -1;
}
