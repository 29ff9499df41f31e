using System.Runtime.InteropServices;
using Vectron.Index;
using Vectron.Server.Model;

namespace Vectron.Server.Worker;

public sealed partial class ShardStateMachine
{
    /// <summary>
    /// Writes points, payloads, payload index definitions and the HNSW graph (the index's own file,
    /// so a restore loads it instead of rebuilding it) in the format of docs/formats/shard.md. During
    /// a rebuild the graph written is the one searched (previous settings) and OPTS holds the new
    /// settings; the half-built graph is not saved.
    /// </summary>
    /// <remarks>
    /// Taken between applies (the apply lane's contract) with the indexer paused between batches, so
    /// the graph and the "indexed" marks agree. Each section is assembled in memory (its length and
    /// CRC lead it) and written to <paramref name="destination"/> synchronously.
    /// </remarks>
    public Task SaveSnapshotAsync(Stream destination, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        cancellationToken.ThrowIfCancellationRequested();

        // Written synchronously under the locks: the read lock blocks only applies (none run during a
        // save: both are on the apply lane) and the indexer's commits, never searches.
        lock (_indexerGate)
        {
            _lock.EnterReadLock();
            try
            {
                var graph = new MemoryStream();
                _graph.Save(graph);
                var points = new List<SnapshotPoint>(_ids.Count);
                for (int slot = 0; slot < _slots.Count; slot++)
                {
                    if (_slots[slot] is { } point)
                    {
                        points.Add(new SnapshotPoint(slot, point, point.IsIndexed));
                    }
                }

                var indexes = new List<(string, PayloadSchemaType)>();
                foreach (PayloadIndex index in _payloadIndexes.All)
                {
                    indexes.Add((index.Field.ToString(), index.Schema));
                }

                int[] free = _freeSlots.ToArray();
                Array.Reverse(free);
                ShardSnapshotCodec.Write(destination, Options, new ShardSnapshotData
                {
                    AppliedIndex = _appliedIndex,
                    SlotCount = _slots.Count,
                    FreeSlots = free,
                    Points = points,
                    PayloadIndexes = indexes,
                    Graph = graph.GetBuffer().AsMemory(0, (int)graph.Length),
                });
            }
            finally
            {
                _lock.ExitReadLock();
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// Replaces the whole state with a snapshot: verifies every section, loads the graph from its file
    /// (no rebuild) and queues for the indexer only the points that were not yet indexed when it was taken.
    /// A snapshot taken while a new graph was being built (its graph's settings differ from its
    /// options) starts that build again from the restored points, serving the loaded graph meanwhile.
    /// </summary>
    /// <exception cref="InvalidDataException">The snapshot is damaged or belongs to a shard of another dimension or metric; the message names what is wrong and the state is unchanged.</exception>
    public async Task RestoreSnapshotAsync(Stream source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var buffer = new MemoryStream(source.CanSeek ? (int)Math.Min(int.MaxValue, Math.Max(0, source.Length - source.Position)) : 0);
        await using (buffer.ConfigureAwait(false))
        {
            await source.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
            ShardSnapshotData data = ShardSnapshotCodec.Read(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), Options);
            HnswIndex graph = LoadGraph(data);
            try
            {
                Install(data, graph);
            }
            catch
            {
                graph.Dispose();
                throw;
            }
        }
    }

    private HnswIndex LoadGraph(ShardSnapshotData data)
    {
        HnswIndex graph;
        try
        {
            Stream file = MemoryMarshal.TryGetArray(data.Graph, out ArraySegment<byte> segment)
                ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
                : new MemoryStream(data.Graph.ToArray(), writable: false);
            graph = HnswIndex.Load(file);
        }
        catch (Exception error) when (error is InvalidDataException or EndOfStreamException or ArgumentException or IOException)
        {
            throw new InvalidDataException("Shard snapshot: section HNSW does not load: " + error.Message, error);
        }

        HnswOptions expected = Options.ToHnswOptions();
        if (graph.Options.Dimension != expected.Dimension || graph.Options.Metric != expected.Metric)
        {
            graph.Dispose();
            throw new InvalidDataException($"Shard snapshot: section HNSW is an index of dimension {graph.Options.Dimension} and metric {graph.Options.Metric}, expected {expected.Dimension} and {expected.Metric}.");
        }

        // Every point marked indexed must be in the graph, and the graph may hold nothing else but
        // slots the indexer had not yet cleaned up (those are queued below).
        var occupied = new bool[data.SlotCount];
        foreach (SnapshotPoint entry in data.Points)
        {
            if (occupied[entry.Slot])
            {
                graph.Dispose();
                throw new InvalidDataException($"Shard snapshot: section PNTS holds two points in slot {entry.Slot}.");
            }

            occupied[entry.Slot] = true;
            if (entry.Indexed && !graph.Contains((ulong)entry.Slot))
            {
                graph.Dispose();
                throw new InvalidDataException($"Shard snapshot: point {entry.Point.Id} is marked indexed but section HNSW has no node for its slot {entry.Slot}.");
            }
        }

        foreach (int slot in data.FreeSlots)
        {
            if (occupied[slot])
            {
                graph.Dispose();
                throw new InvalidDataException($"Shard snapshot: section META lists slot {slot} as free, but it holds a point (or is listed twice).");
            }

            occupied[slot] = true;
        }

        return graph;
    }

    private void Install(ShardSnapshotData data, HnswIndex graph)
    {
        int inGraph = 0;
        for (int slot = 0; slot < data.SlotCount; slot++)
        {
            inGraph += graph.Contains((ulong)slot) ? 1 : 0;
        }

        if (inGraph != graph.Count)
        {
            throw new InvalidDataException($"Shard snapshot: section HNSW holds {graph.Count} points but only {inGraph} of them have a slot.");
        }

        var ids = new HashSet<PointId>();
        foreach (SnapshotPoint entry in data.Points)
        {
            if (!ids.Add(entry.Point.Id))
            {
                throw new InvalidDataException($"Shard snapshot: point {entry.Point.Id} appears twice in section PNTS.");
            }
        }

        // A snapshot taken during a rebuild holds the graph searched then (built with the previous
        // settings) and the new settings in OPTS: the restored shard serves that graph and builds
        // a new one from the restored points, as the source would have.
        ShardOptions restoredOptions = data.Options ?? Options;
        GraphRebuild? rebuild = BuildsSameGraph(restoredOptions.ToHnswOptions(), graph.Options)
            ? null
            : new GraphRebuild(new HnswIndex(restoredOptions.ToHnswOptions()));
        HnswIndex old;
        GraphRebuild? oldRebuild;
        long points;
        long indexed = 0;
        lock (_indexerGate)
        {
            _lock.EnterWriteLock();
            try
            {
                old = _graph;
                _graph = graph;
                oldRebuild = _rebuild;
                _rebuild = rebuild;
                _slots.Clear();
                _inGraph.Clear();
                _freeSlots.Clear();
                _ids.Clear();
                _order.Clear();
                _tail.Clear();
                _work.Clear();
                _vectorVersions = 0;
                for (int slot = 0; slot < data.SlotCount; slot++)
                {
                    _slots.Add(null);
                    bool present = graph.Contains((ulong)slot);
                    _inGraph.Add(present);
                }

                foreach (int slot in data.FreeSlots)
                {
                    _freeSlots.Push(slot);
                }

                var indexes = new List<PayloadIndex>();
                foreach ((string field, PayloadSchemaType schema) in data.PayloadIndexes)
                {
                    indexes.Add(PayloadIndex.Create(JsonPath.Parse(field, "field"), schema));
                }

                foreach (string field in _payloadIndexes.All.Select(index => index.Field.ToString()).ToList())
                {
                    _payloadIndexes.Drop(field);
                }

                foreach (PayloadIndex index in indexes)
                {
                    _payloadIndexes.Put(index);
                }

                foreach (SnapshotPoint entry in data.Points)
                {
                    StoredPoint point = entry.Point;
                    point.VectorVersion = ++_vectorVersions;
                    point.IndexedVersion = entry.Indexed ? point.VectorVersion : 0;
                    _slots[entry.Slot] = point;
                    _ids[point.Id] = entry.Slot;
                    _order.Add(point.Id);
                    _payloadIndexes.Add(entry.Slot, point.Payload);
                    if (entry.Indexed)
                    {
                        indexed++;
                    }
                    else
                    {
                        _tail.Add(entry.Slot);
                        _work.Enqueue(entry.Slot);
                    }
                }

                for (int slot = 0; slot < data.SlotCount; slot++)
                {
                    if (_slots[slot] is null && _inGraph[slot])
                    {
                        _work.Enqueue(slot);
                    }
                }

                _appliedIndex = data.AppliedIndex;
                if (data.Options is { } options)
                {
                    // The index parameters the snapshot's graph was built with (a reconfigured shard's).
                    Options = options;
                }

                points = _ids.Count;
            }
            finally
            {
                _lock.ExitWriteLock();
            }
        }

        old.Dispose();
        oldRebuild?.Dispose();
        ShardLog.Restored(_logger, points, indexed, points - indexed);
        WakeIndexer();
    }
}
