using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Vectron.Index.Kernels;
using Vectron.Index.Memory;
using Vectron.Index.Quantization;
using Vectron.Index.Search;

namespace Vectron.Index;

// Search: greedy descent through the upper layers, then a best-first search of layer 0 (paper,
// Algorithms 2 and 5) in float32 or on int8 codes with float32 rescoring, filtered or not; and the
// exact scan used for small indexes and very selective filters.
public sealed partial class HnswIndex
{
    /// <summary>
    /// Finds the <paramref name="k"/> nearest points to <paramref name="query"/> and writes them to
    /// <paramref name="destination"/>, nearest first; returns how many were written (fewer when the
    /// index holds fewer admitted points). Does not allocate in steady state.
    /// </summary>
    /// <exception cref="ArgumentException">The query has the wrong dimension or a non-finite value, <paramref name="k"/> is not positive, or the destination is shorter than k.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int Search(ReadOnlySpan<float> query, int k, Span<SearchHit> destination, in SearchParameters parameters)
    {
        ValidateVector(query, nameof(query));
        if (k < 1)
        {
            ThrowK(k);
        }

        if (destination.Length < k)
        {
            ThrowDestination(destination.Length, k);
        }

        if (parameters.Ef < 0)
        {
            ThrowEf(parameters.Ef);
        }

        return _options.Metric switch
        {
            DistanceMetric.L2 => SearchCore<L2Metric>(query, k, destination, parameters),
            DistanceMetric.Dot => SearchCore<DotMetric>(query, k, destination, parameters),
            _ => SearchCore<CosineMetric>(query, k, destination, parameters),
        };
    }

    /// <summary>Convenience overload that allocates the result array.</summary>
    public SearchHit[] Search(ReadOnlySpan<float> query, int k, in SearchParameters parameters = default)
    {
        var hits = new SearchHit[Math.Max(k, 1)];
        int count = Search(query, k, hits, parameters);
        return count == hits.Length ? hits : hits[..count];
    }

    // The search path (this method, Descend, GreedyStep, SearchLayer, SearchQuantized, Rescore,
    // CopyResults and the kernels' entry points) is compiled fully optimised at first call, without
    // tiering and so without dynamic PGO. With PGO these methods were compiled from the profile of
    // whatever ran first; in an index built and then searched in one process (the peers harness's
    // protocol; a server that serves searches after a bulk import is in the same position) one-thread
    // searches on the 200k set measured 9-11% slower than with PGO off, and that was the float32 gap
    // to hnswlib (docs/benchmarks.md).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int SearchCore<TMetric>(ReadOnlySpan<float> query, int k, Span<SearchHit> destination, in SearchParameters parameters)
        where TMetric : struct, IFloatMetric
    {
        SearchContext context = _pool.Rent();
        QuantizedVectors? quantized = null;
        try
        {
            query.CopyTo(context.Query.Span);
            if (TMetric.Metric == DistanceMetric.Cosine)
            {
                FloatKernels.Normalize(context.Query.Span);
            }

            long entry = Volatile.Read(ref _entry);
            if (entry < 0)
            {
                return 0;
            }

            IVectorFilter? filter = parameters.Filter;
            int ef = Math.Max(parameters.Ef > 0 ? parameters.Ef : _options.DefaultEf, k);
            if (parameters.Exact || Count <= ef || (filter is not null && EstimateAdmitted(filter) <= FlatSearchLimit(ef)))
            {
                return ExactSearch<TMetric>(context, k, filter, destination);
            }

            int nodeCount = NodeCount;
            quantized = parameters.DisableQuantization ? null : Volatile.Read(ref _quantized);
            if (quantized is null)
            {
                var space = new FloatSpace<TMetric>(_vectors, context.Query, _dimension);
                int start = Descend(ref space, entry, out float startDistance);
                if (filter is null)
                {
                    SearchLayer(ref space, new LivePolicy(_states.View()), context, start, startDistance, 0, ef, nodeCount);
                }
                else
                {
                    SearchLayer(ref space, new FilterPolicy(_states.View(), _keys.View(), filter), context, start, startDistance, 0, ef, nodeCount);
                }

                return CopyResults(context.Results, k, destination);
            }

            // Traverse with max(ef, k × oversampling) candidates and rescore all of them: the float32
            // pass costs a few hundred distances at most, and rescoring only the best k × oversampling
            // by code distance caps recall where codes are coarse (25-d GloVe plateaued at 0.988).
            int candidates = QuantizedCandidates(ef, k, parameters);
            if (TMetric.Metric == DistanceMetric.L2)
            {
                quantized.Quantizer.EncodeQuery(context.Query.Span, context.QueryCodes.Span);
                var space = new Int8L2Space(quantized, context.QueryCodes, _dimension);
                SearchQuantized(ref space, context, entry, candidates, filter, nodeCount);
            }
            else
            {
                float bias = TMetric.Metric == DistanceMetric.Cosine ? 1f : 0f;
                // Offset binary, once per search: the node's share of the offset is in its correction.
                int codeSum = quantized.Quantizer.EncodeQueryOffsetBinary(context.Query.Span, MemoryMarshal.AsBytes(context.QueryCodes.Span));
                var space = new Int8DotSpace(quantized, context.QueryCodes, quantized.Quantizer.Correction(codeSum), _dimension, bias);
                SearchQuantized(ref space, context, entry, candidates, filter, nodeCount);
            }

            return Rescore<TMetric>(context, k, destination);
        }
        finally
        {
            _pool.Return(context);
            // Row views hold raw addresses into pinned chunks, not references: keep their owners (this
            // index, and codes a concurrent re-calibration may have replaced) alive until the search ends.
            GC.KeepAlive(quantized);
            GC.KeepAlive(this);
        }
    }

    /// <summary>Candidates the int8 traversal keeps and rescores: <c>max(ef, ⌈k × oversampling⌉)</c> (oversampling default 1).</summary>
    /// <remarks>
    /// The product is taken in decimal: oversampling arrives as a float, 2.4f is 2.4000001 in binary, and a
    /// limit of 100 would keep 241 candidates instead of 240; a float converts to decimal at its 7 significant
    /// digits (2.4), so the product is exact. Capped at int.MaxValue / 2 (and so for an infinite oversampling).
    /// </remarks>
    internal static int QuantizedCandidates(int ef, int k, in SearchParameters parameters)
    {
        const int cap = int.MaxValue / 2;
        float oversampling = parameters.EffectiveOversampling;
        if (k * (double)oversampling >= cap)
        {
            return Math.Max(ef, cap);
        }

        return Math.Max(ef, (int)Math.Ceiling((decimal)oversampling * k));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void SearchQuantized<TSpace>(ref TSpace space, SearchContext context, long entry, int ef, IVectorFilter? filter, int nodeCount)
        where TSpace : struct, IDistanceSpace
    {
        int start = Descend(ref space, entry, out float startDistance);
        if (filter is null)
        {
            SearchLayer(ref space, new LivePolicy(_states.View()), context, start, startDistance, 0, ef, nodeCount);
        }
        else
        {
            SearchLayer(ref space, new FilterPolicy(_states.View(), _keys.View(), filter), context, start, startDistance, 0, ef, nodeCount);
        }
    }

    /// <summary>Second stage: every candidate of the code traversal, re-ranked on float32.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int Rescore<TMetric>(SearchContext context, int k, Span<SearchHit> destination)
        where TMetric : struct, IFloatMetric
    {
        CandidateHeap<FarthestFirst> results = context.Results;
        int count = results.Count;
        context.EnsureScratch(count);
        Span<Candidate> exact = context.Sorted.AsSpan(0, count);
        ReadOnlySpan<Candidate> items = results.Items;
        ref float query = ref context.Query.First;
        for (int i = 0; i < count; i++)
        {
            int node = items[i].Node;
            exact[i] = new Candidate(TMetric.Distance(ref query, ref _vectors.Row(node), _dimension), node);
        }

        SortByDistance(exact);
        int written = Math.Min(k, count);
        for (int i = 0; i < written; i++)
        {
            destination[i] = new SearchHit(_keys.Row(exact[i].Node), exact[i].Distance);
        }

        return written;
    }

    /// <summary>Greedy descent from the entry point to layer 1's nearest node (ef = 1 on every upper layer).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int Descend<TSpace>(ref TSpace space, long entry, out float distance)
        where TSpace : struct, IDistanceSpace
    {
        int current = (int)entry;
        distance = space.Distance(current);
        for (int layer = (int)(entry >> 32); layer > 0; layer--)
        {
            GreedyStep(ref space, ref current, ref distance, layer);
        }

        return current;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void GreedyStep<TSpace>(ref TSpace space, ref int current, ref float distance, int layer)
        where TSpace : struct, IDistanceSpace
    {
        bool changed = true;
        while (changed)
        {
            changed = false;
            ref int links = ref LinksAt(current, layer);
            int count = Volatile.Read(ref links);
            for (int i = 1; i <= count; i++)
            {
                int candidate = Unsafe.Add(ref links, i);
                // Never descend into a node still being inserted: its lower layers may not be linked
                // yet, and a search starting there could find almost nothing. (Such a node may also be
                // beyond the space's row snapshot.)
                if (candidate >= space.Capacity || _states.Row(candidate) == NodeState.Pending)
                {
                    continue;
                }

                float d = space.Distance(candidate);
                if (d < distance)
                {
                    distance = d;
                    current = candidate;
                    changed = true;
                }
            }
        }
    }

    /// <summary>
    /// Best-first search of one layer. On return <c>context.Results</c> holds up to <paramref name="ef"/>
    /// accepted nodes (farthest on top). Rejected nodes are still expanded, so a filter or tombstones
    /// never cut the graph; the search stops when the nearest unexpanded node is farther than the
    /// farthest of a full result list.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void SearchLayer<TSpace, TAccept>(ref TSpace space, TAccept accept, SearchContext context, int entry, float entryDistance, int layer, int ef, int nodeCount)
        where TSpace : struct, IDistanceSpace
        where TAccept : struct, IAcceptPolicy
    {
        VisitedSet visited = context.Visited;
        CandidateHeap<NearestFirst> frontier = context.Frontier;
        CandidateHeap<FarthestFirst> results = context.Results;
        RowView<int> links0 = _links0.View();
        // Every node below the limit is addressable through every snapshot this search holds; nodes
        // inserted since count as visited and are skipped.
        int limit = Math.Min(Math.Min(nodeCount, space.Capacity), Math.Min(links0.Capacity, accept.Capacity));
        visited.Reset(limit);
        frontier.Clear();
        results.Clear();

        visited.TestAndMark(entry);
        frontier.Push(entryDistance, entry);
        float bound = float.MaxValue;
        int resultCount = 0;
        if (accept.Accepts(entry))
        {
            results.Push(entryDistance, entry);
            resultCount = 1;
            bound = entryDistance;
        }

        // The hot loop works on locals (marks, generation, a copy of the space) so the JIT keeps them
        // in registers instead of reloading fields of heap objects after every store.
        TSpace local = space;
        ref ushort marks = ref visited.MarksReference;
        ushort generation = visited.Generation;
        while (frontier.Count > 0)
        {
            Candidate nearest = frontier.Top;
            if (nearest.Distance > bound && resultCount >= ef)
            {
                break;
            }

            frontier.Pop();
            ref int links = ref layer == 0 ? ref links0.Row(nearest.Node) : ref LinksAt(nearest.Node, layer);
            int count = Volatile.Read(ref links);
            // Prefetch addresses come from the snapshot too, so only nodes below the limit are touched.
            if (count > 0 && (uint)Unsafe.Add(ref links, 1) < (uint)limit)
            {
                local.Prefetch(Unsafe.Add(ref links, 1));
            }

            for (int i = 1; i <= count; i++)
            {
                int neighbour = Unsafe.Add(ref links, i);
                if (i < count)
                {
                    int next = Unsafe.Add(ref links, i + 1);
                    if ((uint)next < (uint)limit)
                    {
                        PrefetchRow(ref Unsafe.Add(ref marks, next));
                        local.Prefetch(next);
                    }
                }

                // Nodes at or beyond the limit did not exist for this search's snapshots: skip them.
                if ((uint)neighbour >= (uint)limit)
                {
                    continue;
                }

                ref ushort mark = ref Unsafe.Add(ref marks, neighbour);
                if (mark == generation)
                {
                    continue;
                }

                mark = generation;
                float d = local.Distance(neighbour);
                if (resultCount < ef || d < bound)
                {
                    frontier.Push(d, neighbour);
                    if (accept.Accepts(neighbour))
                    {
                        if (resultCount < ef)
                        {
                            results.Push(d, neighbour);
                            resultCount++;
                        }
                        else
                        {
                            results.ReplaceTop(d, neighbour);
                        }

                        bound = results.TopDistance;
                    }
                }
            }

            // Start loading the link list the next iteration will expand (hnswlib does the same).
            if (layer == 0 && frontier.Count > 0)
            {
                PrefetchRow(ref links0.Row(frontier.Top.Node));
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void PrefetchRow<T>(ref T row)
    {
        if (System.Runtime.Intrinsics.X86.Sse.IsSupported)
        {
            // Safe: row stores are pinned (RowStore), and a prefetch never faults.
            System.Runtime.Intrinsics.X86.Sse.Prefetch0(Unsafe.AsPointer(ref row));
        }
    }

    /// <summary>Exact scan of every live (and admitted) node; the oracle for tests and the path for small or very selective searches.</summary>
    private int ExactSearch<TMetric>(SearchContext context, int k, IVectorFilter? filter, Span<SearchHit> destination)
        where TMetric : struct, IFloatMetric
    {
        CandidateHeap<FarthestFirst> results = context.Results;
        results.Clear();
        ref float query = ref context.Query.First;
        int limit = Math.Min(NodeCount, _states.Capacity);
        for (int node = 0; node < limit; node++)
        {
            if (Volatile.Read(ref _states.Row(node)) != NodeState.Live)
            {
                continue;
            }

            if (filter is not null && !filter.Admits(_keys.Row(node)))
            {
                continue;
            }

            float d = TMetric.Distance(ref query, ref _vectors.Row(node), _dimension);
            if (results.Count < k)
            {
                results.Push(d, node);
            }
            else if (d < results.TopDistance)
            {
                results.Pop();
                results.Push(d, node);
            }
        }

        return CopyResults(results, k, destination);
    }

    /// <summary>
    /// Admitted points up to which a filtered search scans exactly: <see cref="HnswOptions.FlatSearchThreshold"/>
    /// at 20,000 points and ef 64, in proportion to ef (the graph's work grows with it, the scan's does
    /// not) and to the fourth root of the index size. Fitted to <c>vectron bench filter</c> runs on three
    /// datasets (docs/benchmarks.md): it picked the faster path within 8% on 54 of 56 measured points.
    /// </summary>
    private double FlatSearchLimit(int ef) =>
        _options.FlatSearchThreshold * (ef / 64.0) * Math.Sqrt(Math.Sqrt(Count / 20_000.0));

    /// <summary>Estimated number of live points a filter admits: its own count, or a sample of up to 512 nodes.</summary>
    private long EstimateAdmitted(IVectorFilter filter)
    {
        if (filter.AdmittedCount is long known)
        {
            return known;
        }

        int limit = Math.Min(NodeCount, _states.Capacity);
        int step = Math.Max(1, limit / 512);
        int sampled = 0;
        int admitted = 0;
        for (int node = 0; node < limit; node += step)
        {
            if (_states.Row(node) != NodeState.Live)
            {
                continue;
            }

            sampled++;
            if (filter.Admits(_keys.Row(node)))
            {
                admitted++;
            }
        }

        return sampled == 0 ? 0 : (long)Math.Ceiling(Count * (admitted / (double)sampled));
    }

    /// <summary>Writes the best k of a max-heap to the destination, nearest first.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int CopyResults(CandidateHeap<FarthestFirst> results, int k, Span<SearchHit> destination)
    {
        while (results.Count > k)
        {
            results.Pop();
        }

        int count = results.Count;
        for (int i = count - 1; i >= 0; i--)
        {
            Candidate c = results.Pop();
            destination[i] = new SearchHit(_keys.Row(c.Node), c.Distance);
        }

        return count;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowK(int k) => throw new ArgumentOutOfRangeException(nameof(k), k, "k must be at least 1.");

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowEf(int ef) => throw new ArgumentOutOfRangeException(nameof(ef), ef, "ef must not be negative.");

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowDestination(int length, int k) =>
        throw new ArgumentException($"The destination holds {length} results but k is {k}.", nameof(k));
}
