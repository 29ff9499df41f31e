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

    /// <summary>Whether the shard's index already runs with the parameters <paramref name="command"/> asks for.</summary>
    public bool HasIndexSettings(ReconfigureIndex command)
    {
        ArgumentNullException.ThrowIfNull(command);
        ShardOptions options = Options;
        return options.M == command.M && options.EfConstruct == command.EfConstruct && options.DefaultEf == command.EfConstruct
            && options.Quantization == command.Quantization && options.QuantizationAlwaysRam == command.QuantizationAlwaysRam;
    }

    /// <summary>
    /// Applies <see cref="ReconfigureIndex"/>: validates the new options, then (when an index parameter
    /// changes) swaps in an empty graph built with them and hands every point back to the indexer.
    /// </summary>
    /// <remarks>
    /// Each indexed point's vector lives only in the old graph, so it is copied back into the point
    /// (as for a point not yet indexed) before the old graph is dropped; every point then sits in the
    /// exact-scanned tail until the indexer has inserted it into the new graph, so searches stay exact
    /// meanwhile (slower, never wrong). Deterministic: every replica, and a replay of the log, ends with
    /// the same options and the same points to index. The indexer gate is taken first (lock order), so
    /// no batch is inserting into the old graph when it is swapped out.
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

        bool rebuild = next.M != current.M || next.EfConstruct != current.EfConstruct || next.DefaultEf != current.DefaultEf
            || next.Quantization != current.Quantization;
        if (!rebuild)
        {
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

        var graph = new HnswIndex(next.ToHnswOptions());
        HnswIndex old;
        int requeued = 0;
        lock (_indexerGate)
        {
            _lock.EnterWriteLock();
            try
            {
                old = _graph;
                for (int slot = 0; slot < _slots.Count; slot++)
                {
                    _inGraph[slot] = false;
                    if (_slots[slot] is not { } point)
                    {
                        continue;
                    }

                    if (point.Vector is null)
                    {
                        var vector = new float[current.Dimension];
                        if (!old.TryGetVector((ulong)slot, vector))
                        {
                            throw new InvalidOperationException($"Shard invariant broken: indexed point {point.Id} in slot {slot} is not in the graph.");
                        }

                        point.Vector = vector;
                    }

                    if (point.IsIndexed)
                    {
                        point.IndexedVersion = 0;
                        _tail.Add(slot);
                    }

                    _work.Enqueue(slot);
                    requeued++;
                }

                _graph = graph;
                Options = next;
            }
            finally
            {
                _lock.ExitWriteLock();
            }
        }

        old.Dispose();
        ShardLog.Reconfigured(_logger, next.M, next.EfConstruct, next.Quantization, requeued);
        return ShardCommandResult.Applied(requeued);
    }
}
