using Vectron.Index;

namespace Vectron.Server.Worker;

public sealed partial class ShardStateMachine
{
    /// <summary>The options of the graph the shard searches now (tests check a reconfigured shard really rebuilt it).</summary>
    internal HnswOptions GraphOptions
    {
        get
        {
            _lock.EnterReadLock();
            try
            {
                return _graph.Options;
            }
            finally
            {
                _lock.ExitReadLock();
            }
        }
    }

    /// <summary>Live points in the graph the shard searches now (tombstones not counted).</summary>
    internal int GraphPointCount
    {
        get
        {
            _lock.EnterReadLock();
            try
            {
                return _graph.Count;
            }
            finally
            {
                _lock.ExitReadLock();
            }
        }
    }

    /// <summary>Whether the shard's index already runs with the parameters <paramref name="command"/> asks for.</summary>
    public bool HasIndexSettings(ReconfigureIndex command)
    {
        ArgumentNullException.ThrowIfNull(command);
        ShardOptions options = Options;
        return options.M == command.M && options.EfConstruct == command.EfConstruct && options.DefaultEf == command.EfConstruct
            && options.Quantization == command.Quantization && options.QuantizationAlwaysRam == command.QuantizationAlwaysRam;
    }

    /// <summary>
    /// Applies <see cref="ReconfigureIndex"/>: validates the new options and records them; when they
    /// build a different graph (m, ef_construct or quantization), starts building one beside the graph
    /// the shard searches (see <c>ShardStateMachine.Rebuild.cs</c>), which keeps serving until the new
    /// one holds every point. Count: the points the new settings apply to (0 when no rebuild is needed).
    /// </summary>
    /// <remarks>
    /// Cheap on the apply path: no vector is copied and no point is touched; the indexer builds the
    /// new graph in the background. Deterministic where it matters: every replica, and a replay of the
    /// log, ends with the same options, points and result; which graph serves meanwhile is background
    /// progress (like the indexer's). A reconfigure during a rebuild replaces it (or cancels it when
    /// the serving graph already has the new settings). The indexer gate is taken first (lock order),
    /// so no batch is inserting into a rebuild graph when it is dropped.
    /// </remarks>
    private ShardCommandResult Reconfigure(ReconfigureIndex command)
    {
        ShardOptions current = Options;
        ShardOptions next = current with
        {
            M = command.M,
            EfConstruct = command.EfConstruct,
            DefaultEf = command.EfConstruct,
            Quantization = command.Quantization,
            QuantizationAlwaysRam = command.QuantizationAlwaysRam,
        };
        try
        {
            next.Validate();
        }
        catch (ArgumentException error)
        {
            return ShardCommandResult.BadRequest("index settings: " + error.Message);
        }

        HnswOptions graphOptions = next.ToHnswOptions();
        if (BuildsSameGraph(graphOptions, current.ToHnswOptions()))
        {
            // Only the search default ef or always_ram: searches pass Options.DefaultEf themselves.
            _lock.EnterWriteLock();
            try
            {
                Options = next;
            }
            finally
            {
                _lock.ExitWriteLock();
            }

            return ShardCommandResult.Applied(0);
        }

        GraphRebuild? started = new(new HnswIndex(graphOptions));
        GraphRebuild? replaced;
        HnswIndex? retired = null;
        int points;
        lock (_indexerGate)
        {
            _lock.EnterWriteLock();
            try
            {
                replaced = _rebuild;
                if (BuildsSameGraph(graphOptions, _graph.Options))
                {
                    // Back to the settings the serving graph was built with: nothing to build.
                    started.Dispose();
                    started = null;
                }
                else if (_graph.Count <= current.IndexerBatchSize)
                {
                    // A graph this small is not worth serving from (a collection patched right after
                    // its creation, before its upload): swap the empty one in now rather than index
                    // every later write into both graphs.
                    retired = _graph;
                    ReplaceGraphNow(started.Graph);
                    started = null;
                }

                _rebuild = started;
                Options = next;
                points = _ids.Count;
            }
            finally
            {
                _lock.ExitWriteLock();
            }

            replaced?.Dispose();
            retired?.Dispose();
        }

        ShardLog.Reconfigured(_logger, next.M, next.EfConstruct, next.Quantization, started is null && retired is null ? 0 : points);
        return ShardCommandResult.Applied(points);
    }

    /// <summary>
    /// Makes <paramref name="empty"/> the searched graph at once: the few indexed points' vectors are
    /// copied back from the old graph into their slots and every point joins the exact-scanned tail
    /// and the indexer's queue. Caller holds the gate and the write lock, and disposes the old graph.
    /// </summary>
    private void ReplaceGraphNow(HnswIndex empty)
    {
        int dimension = Options.Dimension;
        for (int slot = 0; slot < _slots.Count; slot++)
        {
            _inGraph[slot] = false;
            if (_slots[slot] is not { } point || !point.IsIndexed)
            {
                // Not indexed: already in the tail and queued.
                continue;
            }

            if (point.Vector is null)
            {
                var vector = new float[dimension];
                if (!_graph.TryGetVector((ulong)slot, vector))
                {
                    throw new InvalidOperationException($"Shard invariant broken: indexed point {point.Id} in slot {slot} is not in the graph.");
                }

                point.Vector = vector;
            }

            point.IndexedVersion = 0;
            _tail.Add(slot);
            _work.Enqueue(slot);
        }

        _graph = empty;
    }
}
