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

                _rebuild = started;
                Options = next;
                points = _ids.Count;
            }
            finally
            {
                _lock.ExitWriteLock();
            }

            replaced?.Dispose();
        }

        ShardLog.Reconfigured(_logger, next.M, next.EfConstruct, next.Quantization, started is null ? 0 : points);
        return ShardCommandResult.Applied(points);
    }
}
