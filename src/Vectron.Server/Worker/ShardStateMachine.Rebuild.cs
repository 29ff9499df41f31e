using Vectron.Index;

namespace Vectron.Server.Worker;

public sealed partial class ShardStateMachine
{
    private GraphRebuild? _rebuild;

    /// <summary>Whether a graph with new index settings is being built beside the one searched (tests; <see cref="GetStats"/> reports it too).</summary>
    internal bool IsRebuilding
    {
        get
        {
            _lock.EnterReadLock();
            try
            {
                return _rebuild is not null;
            }
            finally
            {
                _lock.ExitReadLock();
            }
        }
    }

    /// <summary>The options of the graph being built, and its live nodes; <see langword="null"/> when no rebuild runs.</summary>
    internal (HnswOptions Options, int Count)? RebuildProgress
    {
        get
        {
            _lock.EnterReadLock();
            try
            {
                return _rebuild is { } rebuild ? (rebuild.Graph.Options, rebuild.Graph.Count) : null;
            }
            finally
            {
                _lock.ExitReadLock();
            }
        }
    }

    /// <summary>Whether graphs built with <paramref name="a"/> and <paramref name="b"/> are built alike (the search-only default ef aside).</summary>
    private static bool BuildsSameGraph(HnswOptions a, HnswOptions b) =>
        a.M == b.M && a.EfConstruction == b.EfConstruction && a.Quantization == b.Quantization
        && a.Dimension == b.Dimension && a.Metric == b.Metric && a.Seed == b.Seed;

    /// <summary>
    /// One step of the rebuild: inserts into the new graph up to about <paramref name="max"/> slots
    /// it does not hold at their current version (and deletes freed slots from it); when every slot
    /// has been visited and nothing is left, swaps the new graph in. Caller holds the indexer gate.
    /// Returns the slots looked at (plus one for a swap); 0 when there is nothing to do.
    /// </summary>
    /// <remarks>
    /// The vectors come from the points (not yet indexed) or from the current graph (indexed): the
    /// current graph is written only by the holder of the gate, which is us, so reading it outside the
    /// state lock gives the version captured under it. A slot changed or deleted while its vector is
    /// being inserted is queued again, as in the indexer's own batch.
    /// </remarks>
    private int RunRebuildBatch(int max)
    {
        GraphRebuild? rebuild = _rebuild;
        if (rebuild is null || max < 1)
        {
            return 0;
        }

        var upserts = new List<(int Slot, float[]? Vector, long Version)>();
        var deletes = new List<int>();
        var seen = new HashSet<int>();
        int examined = 0;
        HnswIndex? retired = null;
        _lock.EnterWriteLock();
        try
        {
            // Visiting a slot the new graph already holds is cheap: look at a few batches' worth of them.
            while (upserts.Count + deletes.Count < max && examined < max * 8)
            {
                int slot;
                if (rebuild.Work.TryDequeue(out int queued))
                {
                    slot = queued;
                }
                else if (rebuild.Cursor < _slots.Count)
                {
                    slot = rebuild.Cursor++;
                }
                else
                {
                    break;
                }

                examined++;
                if (!seen.Add(slot))
                {
                    continue;
                }

                if (_slots[slot] is { } point)
                {
                    if (rebuild.VersionAt(slot) != point.VectorVersion)
                    {
                        upserts.Add((slot, point.Vector, point.VectorVersion));
                    }
                }
                else if (rebuild.VersionAt(slot) != 0)
                {
                    deletes.Add(slot);
                }
            }

            if (upserts.Count == 0 && deletes.Count == 0)
            {
                if (rebuild.Work.Count == 0 && rebuild.Cursor >= _slots.Count)
                {
                    retired = FinishRebuild(rebuild);
                    examined += retired is null ? 0 : 1;
                }

                return examined;
            }
        }
        finally
        {
            _lock.ExitWriteLock();
            retired?.Dispose();
        }

        InsertIntoRebuild(rebuild, upserts, deletes, out bool[] done);
        _lock.EnterWriteLock();
        try
        {
            foreach (int slot in deletes)
            {
                rebuild.SetVersion(slot, 0);
                if (_slots[slot] is not null)
                {
                    // Reused by a new point meanwhile (its upsert saw the slot still in the graph).
                    rebuild.Work.Enqueue(slot);
                }
            }

            for (int i = 0; i < upserts.Count; i++)
            {
                (int slot, _, long version) = upserts[i];
                if (!done[i])
                {
                    // Left for the final check (which queues it again) rather than retried in a loop.
                    continue;
                }

                rebuild.SetVersion(slot, version);
                if (_slots[slot] is not { } point || point.VectorVersion != version)
                {
                    rebuild.Work.Enqueue(slot);
                }
            }
        }
        finally
        {
            _lock.ExitWriteLock();
        }

        return examined;
    }

    private void InsertIntoRebuild(GraphRebuild rebuild, List<(int Slot, float[]? Vector, long Version)> upserts, List<int> deletes, out bool[] done)
    {
        done = new bool[upserts.Count];
        bool[] inserted = done;
        int dimension = Options.Dimension;
        try
        {
            foreach (int slot in deletes)
            {
                rebuild.Graph.Delete((ulong)slot);
            }

            void Insert(int i)
            {
                (int slot, float[]? vector, _) = upserts[i];
                if (vector is null)
                {
                    vector = new float[dimension];
                    if (!_graph.TryGetVector((ulong)slot, vector))
                    {
                        throw new InvalidOperationException($"Shard invariant broken: indexed slot {slot} is not in the graph.");
                    }
                }

                rebuild.Graph.Upsert((ulong)slot, vector);
                inserted[i] = true;
            }

            if (Options.IndexerThreads > 1 && upserts.Count > 1)
            {
                Parallel.For(0, upserts.Count, new ParallelOptions { MaxDegreeOfParallelism = Options.IndexerThreads }, Insert);
            }
            else
            {
                for (int i = 0; i < upserts.Count; i++)
                {
                    Insert(i);
                }
            }
        }
        catch (Exception error) when (error is ArgumentException or InvalidOperationException or OutOfMemoryException or AggregateException)
        {
            ShardLog.IndexerBatchFailed(_logger, error);
        }
    }

    /// <summary>
    /// Swaps the new graph in if it holds every live point at its current vector and no freed slot;
    /// otherwise queues what it lacks. Caller holds the gate and the write lock; returns the graph to
    /// dispose once the lock is released, or <see langword="null"/> when it did not swap.
    /// </summary>
    /// <remarks>
    /// The cursor and the queue should already guarantee coverage; this one pass over the slots
    /// (no vector copied) makes the swap safe even if they did not. After the swap every point is
    /// indexed: the shard drops its own vector copies and the tail is empty.
    /// </remarks>
    private HnswIndex? FinishRebuild(GraphRebuild rebuild)
    {
        int missing = 0;
        for (int slot = 0; slot < _slots.Count; slot++)
        {
            long wanted = _slots[slot]?.VectorVersion ?? 0;
            if (rebuild.VersionAt(slot) != wanted)
            {
                rebuild.Work.Enqueue(slot);
                missing++;
            }
        }

        if (missing > 0)
        {
            return null;
        }

        for (int slot = 0; slot < _slots.Count; slot++)
        {
            StoredPoint? point = _slots[slot];
            _inGraph[slot] = point is not null;
            if (point is not null)
            {
                point.IndexedVersion = point.VectorVersion;
                point.Vector = null;
            }
        }

        _tail.Clear();
        _work.Clear();
        HnswIndex old = _graph;
        _graph = rebuild.Graph;
        _rebuild = null;
        ShardLog.Rebuilt(_logger, _graph.Options.M, _graph.Options.EfConstruction, _ids.Count);
        return old;
    }
}
