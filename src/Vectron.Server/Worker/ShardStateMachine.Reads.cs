using Vectron.Server.Model;

namespace Vectron.Server.Worker;

public sealed partial class ShardStateMachine
{
    private static readonly PointId MaxPointId = PointId.FromUuidBytes([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]);

    /// <summary>The point with <paramref name="id"/>, or <see langword="null"/>.</summary>
    public PointRecord? Get(PointId id, PayloadSelector withPayload, bool withVector)
    {
        ArgumentNullException.ThrowIfNull(withPayload);
        _lock.EnterReadLock();
        try
        {
            return _ids.TryGetValue(id, out int slot) ? Record(_slots[slot]!, withPayload, withVector) : null;
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>The listed points that exist, in the order asked (each at most once).</summary>
    public IReadOnlyList<PointRecord> Get(IReadOnlyList<PointId> ids, PayloadSelector withPayload, bool withVector)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(withPayload);
        var records = new List<PointRecord>(ids.Count);
        var seen = new HashSet<PointId>();
        _lock.EnterReadLock();
        try
        {
            foreach (PointId id in ids)
            {
                if (seen.Add(id) && _ids.TryGetValue(id, out int slot))
                {
                    records.Add(Record(_slots[slot]!, withPayload, withVector));
                }
            }
        }
        finally
        {
            _lock.ExitReadLock();
        }

        return records;
    }

    /// <summary>How many points the filter admits (all points when <see langword="null"/>); exact.</summary>
    public long Count(Filter? filter)
    {
        _lock.EnterReadLock();
        try
        {
            return filter is null ? _ids.Count : CountMatches(filter);
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>Up to <paramref name="limit"/> points the filter admits, in id order from <paramref name="offset"/> (inclusive), and the id to continue from.</summary>
    /// <exception cref="RequestException"><paramref name="limit"/> is below 1.</exception>
    public ScrollPage Scroll(PointId? offset, int limit, Filter? filter, PayloadSelector withPayload, bool withVector)
    {
        ArgumentNullException.ThrowIfNull(withPayload);
        if (limit < 1)
        {
            throw RequestException.At("limit", "must be at least 1, got " + limit);
        }

        var points = new List<PointRecord>(Math.Min(limit, 1024));
        _lock.EnterReadLock();
        try
        {
            if (_order.Count == 0)
            {
                return new ScrollPage(points, null);
            }

            PointId from = offset ?? _order.Min;
            if (from > _order.Max)
            {
                return new ScrollPage(points, null);
            }

            // A filter the payload indexes bound: page through its candidates instead of every id.
            if (filter is not null && _payloadIndexes.Bound(filter, _ids.Count / 8, SlotOf) is { } bound)
            {
                var candidates = new List<PointId>(bound.Count);
                foreach (int slot in bound)
                {
                    if (_slots[slot] is { } candidate && candidate.Id >= from && filter.Matches(candidate.Id, candidate.Payload))
                    {
                        candidates.Add(candidate.Id);
                    }
                }

                candidates.Sort();
                for (int i = 0; i < candidates.Count; i++)
                {
                    if (i == limit)
                    {
                        return new ScrollPage(points, candidates[i]);
                    }

                    points.Add(Record(_slots[_ids[candidates[i]]]!, withPayload, withVector));
                }

                return new ScrollPage(points, null);
            }

            foreach (PointId id in _order.GetViewBetween(from, MaxPointId))
            {
                StoredPoint point = _slots[_ids[id]]!;
                if (filter is not null && !filter.Matches(id, point.Payload))
                {
                    continue;
                }

                if (points.Count == limit)
                {
                    return new ScrollPage(points, id);
                }

                points.Add(Record(point, withPayload, withVector));
            }

            return new ScrollPage(points, null);
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>The shard's counters.</summary>
    public ShardStats GetStats()
    {
        _lock.EnterReadLock();
        try
        {
            var indexes = new List<PayloadIndexInfo>(_payloadIndexes.Count);
            foreach (PayloadIndex index in _payloadIndexes.All)
            {
                indexes.Add(new PayloadIndexInfo(index.Field.ToString(), index.Schema, index.PointCount));
            }

            return new ShardStats(_ids.Count, _ids.Count - _tail.Count, _tail.Count, _appliedIndex, indexes, _rebuild is not null);
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>Points whose vector the shard holds itself (the not-yet-indexed ones); tests check every other vector is held only by the graph.</summary>
    internal int OwnVectorCount
    {
        get
        {
            _lock.EnterReadLock();
            try
            {
                int count = 0;
                foreach (StoredPoint? point in _slots)
                {
                    count += point?.Vector is null ? 0 : 1;
                }

                return count;
            }
            finally
            {
                _lock.ExitReadLock();
            }
        }
    }

    private long CountMatches(Filter filter)
    {
        long count = 0;
        if (_payloadIndexes.Bound(filter, int.MaxValue, SlotOf) is { } bound)
        {
            foreach (int slot in bound)
            {
                count += _slots[slot] is { } point && filter.Matches(point.Id, point.Payload) ? 1 : 0;
            }

            return count;
        }

        for (int slot = 0; slot < _slots.Count; slot++)
        {
            count += _slots[slot] is { } point && filter.Matches(point.Id, point.Payload) ? 1 : 0;
        }

        return count;
    }

    private PointRecord Record(StoredPoint point, PayloadSelector withPayload, bool withVector) =>
        new(point.Id, withPayload.Select(point.Payload), withVector ? CopyVector(_ids[point.Id], point) : null);

    /// <summary>A copy of the point's current vector: its own while not indexed, else the graph's. Caller holds the lock.</summary>
    private float[] CopyVector(int slot, StoredPoint point)
    {
        var copy = new float[Options.Dimension];
        VectorOf(slot, point, copy).CopyTo(copy);
        return copy;
    }

    /// <summary>
    /// The point's current vector: its own copy while not indexed, else the graph's, read into
    /// <paramref name="scratch"/>. Caller holds the lock, so an indexed slot's graph vector cannot
    /// change meanwhile (the indexer only writes slots that are not indexed, and cannot publish while the lock is held).
    /// </summary>
    private ReadOnlySpan<float> VectorOf(int slot, StoredPoint point, float[] scratch)
    {
        if (point.Vector is { } own)
        {
            return own;
        }

        if (!_graph.TryGetVector((ulong)slot, scratch))
        {
            throw new InvalidOperationException($"Shard invariant broken: indexed point {point.Id} in slot {slot} is not in the graph.");
        }

        return scratch;
    }
}
