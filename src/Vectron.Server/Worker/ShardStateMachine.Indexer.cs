namespace Vectron.Server.Worker;

public sealed partial class ShardStateMachine
{
    /// <summary>
    /// Inserts about <paramref name="maxPoints"/> pending points into the HNSW graph (and removes
    /// deleted ones) on the calling thread, in batches of <see cref="ShardOptions.IndexerBatchSize"/>,
    /// and advances a rebuild of the graph with new settings (it may take a quarter batch more for that
    /// when points are pending); returns how many work items it took. Serialised with the background indexer, so it may be
    /// called in either mode (tests set <see cref="ShardOptions.BackgroundIndexing"/> to false and call
    /// it to control exactly what is indexed).
    /// </summary>
    public int IndexPending(int maxPoints = int.MaxValue)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        RequeueFailed();
        int total = 0;
        while (total < maxPoints)
        {
            int taken = RunIndexerBatch(Math.Min(Options.IndexerBatchSize, maxPoints - total));
            if (taken == 0)
            {
                break;
            }

            total += taken;
        }

        return total;
    }

    private void WakeIndexer()
    {
        if (_indexerTask is not null && _signal.CurrentCount == 0)
        {
            _signal.Release();
        }
    }

    private async Task RunIndexerAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            await _signal.WaitAsync(cancellationToken).ConfigureAwait(false);
            RequeueFailed();
            try
            {
                while (!cancellationToken.IsCancellationRequested && RunIndexerBatch(Options.IndexerBatchSize) > 0)
                {
                    // Drain the queue; Apply signals again for work queued after the last empty check.
                }
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                // A bug, not a bad point (those are rejected on apply): log it and keep serving; the
                // points stay in the exact-scanned tail (single failed graph writes are retried, see _retry).
                ShardLog.IndexerBatchFailed(_logger, error);
            }
        }
    }

    /// <summary>Test hook: called before each graph insert or delete with the slot; throwing makes it fail as a bug would.</summary>
    internal Action<int>? GraphWriteFault { get; set; }

    /// <summary>Slots whose graph insert or delete failed so far and wait for the next wake-up (tests).</summary>
    internal int FailedSlots
    {
        get
        {
            _lock.EnterReadLock();
            try
            {
                return _retry.Count;
            }
            finally
            {
                _lock.ExitReadLock();
            }
        }
    }

    // Puts the slots whose graph write failed back in the work queue (once per wake-up, see _retry).
    private void RequeueFailed()
    {
        _lock.EnterWriteLock();
        try
        {
            foreach (int slot in _retry)
            {
                _work.Enqueue(slot);
            }
            _retry.Clear();
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>
    /// One indexer step: up to <paramref name="max"/> work items for the graph searched now, then,
    /// while a rebuild runs, a step of the rebuild with what is left of <paramref name="max"/> — but
    /// at least a quarter batch, so a steady stream of writes cannot starve the rebuild.
    /// </summary>
    private int RunIndexerBatch(int max)
    {
        lock (_indexerGate)
        {
            int taken = IndexBatch(max);
            return taken + RunRebuildBatch(Math.Max(max - taken, Math.Min(max, Math.Max(1, Options.IndexerBatchSize / 4))));
        }
    }

    private int IndexBatch(int max)
    {
        lock (_indexerGate)
        {
            var upserts = new List<(int Slot, float[] Vector, long Version)>();
            var deletes = new List<int>();
            int taken = 0;
            var seen = new HashSet<int>();
            _lock.EnterWriteLock();
            try
            {
                while (taken < max && _work.TryDequeue(out int slot))
                {
                    taken++;
                    if (!seen.Add(slot))
                    {
                        continue;
                    }

                    if (_slots[slot] is { } point)
                    {
                        if (!point.IsIndexed)
                        {
                            upserts.Add((slot, point.Vector!, point.VectorVersion));
                        }
                    }
                    else if (_inGraph[slot])
                    {
                        deletes.Add(slot);
                    }
                }
            }
            finally
            {
                _lock.ExitWriteLock();
            }

            if (upserts.Count == 0 && deletes.Count == 0)
            {
                return taken;
            }

            // The graph takes concurrent writes and searches; only the indexer (holding the gate) writes it.
            // Each slot appears once in a batch, so parallel inserts never touch the same key.
            var done = new bool[upserts.Count];
            var deleted = new bool[deletes.Count];
            var fault = GraphWriteFault;
            Exception? failure = null;
            // One write that fails (a bug) must not hold back the others: each is tried by itself.
            bool Try(int slot, Action write)
            {
                try
                {
                    fault?.Invoke(slot);
                    write();
                    return true;
                }
                catch (Exception error) when (error is ArgumentException or InvalidOperationException or OutOfMemoryException)
                {
                    Interlocked.CompareExchange(ref failure, error, null);
                    return false;
                }
            }

            for (int i = 0; i < deletes.Count; i++)
            {
                int slot = deletes[i];
                deleted[i] = Try(slot, () => _graph.Delete((ulong)slot));
            }

            if (Options.IndexerThreads > 1 && upserts.Count > 1)
            {
                Parallel.For(0, upserts.Count, new ParallelOptions { MaxDegreeOfParallelism = Options.IndexerThreads }, i =>
                    done[i] = Try(upserts[i].Slot, () => _graph.Upsert((ulong)upserts[i].Slot, upserts[i].Vector)));
            }
            else
            {
                for (int i = 0; i < upserts.Count; i++)
                {
                    int item = i;
                    done[i] = Try(upserts[i].Slot, () => _graph.Upsert((ulong)upserts[item].Slot, upserts[item].Vector));
                }
            }

            if (failure is not null)
            {
                // Points not inserted stay in the tail (still found by the exact scan); they and the deletes not
                // done are tried again at the next wake-up.
                ShardLog.IndexerBatchFailed(_logger, failure);
            }

            _lock.EnterWriteLock();
            try
            {
                for (int i = 0; i < deletes.Count; i++)
                {
                    if (deleted[i])
                    {
                        _inGraph[deletes[i]] = false;
                    }
                    else
                    {
                        _retry.Add(deletes[i]);
                    }
                }

                for (int i = 0; i < upserts.Count; i++)
                {
                    if (!done[i])
                    {
                        _retry.Add(upserts[i].Slot);
                        continue;
                    }

                    (int slot, _, long version) = upserts[i];
                    _inGraph[slot] = true;
                    if (_slots[slot] is { } point && point.VectorVersion == version)
                    {
                        point.IndexedVersion = version;
                        point.Vector = null;
                        _tail.Remove(slot);
                    }
                    else
                    {
                        // Changed or deleted meanwhile: look at the slot again (a changed point is queued already).
                        _work.Enqueue(slot);
                    }
                }
            }
            finally
            {
                _lock.ExitWriteLock();
            }

            return taken;
        }
    }
}
