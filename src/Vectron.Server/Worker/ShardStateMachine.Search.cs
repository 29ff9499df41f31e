using Vectron.Index;
using Vectron.Index.Kernels;
using Vectron.Server.Model;

namespace Vectron.Server.Worker;

public sealed partial class ShardStateMachine
{
    private long _exactlyScanned;

    /// <summary>
    /// The best <see cref="ShardSearch.Limit"/> points for the query, best first, in Qdrant's score
    /// convention. Plan: exact scan when asked, when the shard is small, or when the payload indexes
    /// bound the filter to at most <see cref="ShardOptions.ExactSearchThreshold"/> points; otherwise
    /// the graph (filter consulted during traversal, only indexed slots admitted) merged with an exact
    /// scan of the not-yet-indexed tail.
    /// </summary>
    /// <exception cref="RequestException">The vector has the wrong dimension or a NaN or infinite value, or a parameter is out of range.</exception>
    public IReadOnlyList<ScoredPoint> Search(ShardSearch request)
    {
        ArgumentNullException.ThrowIfNull(request);
        float[] query = PrepareQuery(request);
        var order = new ScoreOrder(Options.Metric == ShardDistance.Euclid);
        var top = new TopHits(request.Limit, order);
        float[] scratch = new float[Options.Dimension];
        Filter? filter = request.Filter;
        _lock.EnterReadLock();
        try
        {
            int threshold = Options.ExactSearchThreshold;
            HashSet<int>? bound = filter is null ? null : _payloadIndexes.Bound(filter, request.Exact ? int.MaxValue : threshold, SlotOf);
            if (bound is not null)
            {
                Interlocked.Add(ref _exactlyScanned, bound.Count);
                foreach (int slot in bound)
                {
                    ScanSlot(slot, query, filter, top, scratch);
                }
            }
            else if (request.Exact || _ids.Count <= threshold)
            {
                Interlocked.Add(ref _exactlyScanned, _slots.Count);
                for (int slot = 0; slot < _slots.Count; slot++)
                {
                    ScanSlot(slot, query, filter, top, scratch);
                }
            }
            else
            {
                // Without a user filter the graph needs no filter either when it holds exactly the
                // live points, each with its current vector: no tail (an update in flight in the
                // indexer keeps its slot in the tail until the indexer commits, which our read lock
                // holds off) and no deleted slot left in it (the count check).
                bool graphIsExact = filter is null && _tail.Count == 0 && _graph.Count == _ids.Count;
                var parameters = new SearchParameters
                {
                    // The shard's default, not the graph's: during a rebuild the graph searched is the old one.
                    Ef = request.Ef ?? Options.DefaultEf,
                    Filter = graphIsExact ? null : new SlotFilter(_slots, filter, filter is null ? _ids.Count - _tail.Count : null),
                    DisableQuantization = request.IgnoreQuantization,
                    Oversampling = request.Oversampling ?? 0,
                };
                foreach (SearchHit hit in _graph.Search(query, request.Limit, parameters))
                {
                    // Scored again from the stored vector, so a point scores the same whichever path finds it.
                    ScanSlot((int)hit.Key, query, null, top, scratch);
                }

                IReadOnlyList<int> tail = _tail.Members;
                Interlocked.Add(ref _exactlyScanned, tail.Count);
                for (int i = 0; i < tail.Count; i++)
                {
                    ScanSlot(tail[i], query, filter, top, scratch);
                }
            }

            var results = new List<ScoredPoint>(request.Limit);
            foreach ((int slot, float score, PointId _) in top.Drain())
            {
                if (request.ScoreThreshold is { } scoreThreshold && !order.Passes(score, scoreThreshold))
                {
                    break;
                }

                StoredPoint point = _slots[slot]!;
                results.Add(new ScoredPoint(point.Id, point.Version, score, request.WithPayload.Select(point.Payload),
                    request.WithVector ? CopyVector(slot, point) : null));
            }

            return results;
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>Slots searches have scored by exact scan (whole shard, planner candidates or tail), graph hits not counted; tests check a search used the graph.</summary>
    internal long ExactlyScannedSlots => Interlocked.Read(ref _exactlyScanned);

    /// <summary>How many candidates the payload indexes bound <paramref name="filter"/> to, or <see langword="null"/> when they cannot (tests check the planner uses the indexes).</summary>
    internal int? PlannedCandidates(Filter filter)
    {
        _lock.EnterReadLock();
        try
        {
            return _payloadIndexes.Bound(filter, int.MaxValue, SlotOf)?.Count;
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    private float[] PrepareQuery(ShardSearch request)
    {
        if (request.Vector is null)
        {
            throw RequestException.At("vector", "missing");
        }

        if (request.Vector.Length != Options.Dimension)
        {
            throw RequestException.At("vector", $"expected dimension {Options.Dimension}, got {request.Vector.Length}");
        }

        for (int i = 0; i < request.Vector.Length; i++)
        {
            if (!float.IsFinite(request.Vector[i]))
            {
                throw RequestException.At($"vector[{i}]", $"{request.Vector[i]} is not a finite number");
            }
        }

        if (request.Limit < 1)
        {
            throw RequestException.At("limit", "must be at least 1, got " + request.Limit);
        }

        if (request.Ef is < 1)
        {
            throw RequestException.At("params.hnsw_ef", "must be at least 1, got " + request.Ef);
        }

        if (request.Oversampling is { } oversampling && !(oversampling >= 1))
        {
            throw RequestException.At("params.quantization.oversampling", "must be at least 1, got " + oversampling);
        }

        ArgumentNullException.ThrowIfNull(request.WithPayload);
        float[] query = (float[])request.Vector.Clone();
        if (Options.Metric == ShardDistance.Cosine)
        {
            FloatKernels.Normalize(query);
        }

        return query;
    }

    private void ScanSlot(int slot, float[] query, Filter? filter, TopHits top, float[] scratch)
    {
        if (_slots[slot] is not { } point || (filter is not null && !filter.Matches(point.Id, point.Payload)))
        {
            return;
        }

        top.Offer(slot, point.Id, Score(query, VectorOf(slot, point, scratch)));
    }

    private float Score(float[] query, ReadOnlySpan<float> vector) => Options.Metric switch
    {
        ShardDistance.Euclid => MathF.Sqrt(FloatKernels.SquaredL2(query, vector)),
        _ => FloatKernels.Dot(query, vector),
    };
}
