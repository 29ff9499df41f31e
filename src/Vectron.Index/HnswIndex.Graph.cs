using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Vectron.Index.Search;

namespace Vectron.Index;

// Graph construction and repair: insertion (paper, Algorithm 1), the neighbour-selection heuristic
// (Algorithm 4, without extension or pruned-connection keeping, as hnswlib does), and relinking
// around deleted nodes.
public sealed partial class HnswIndex
{
    /// <summary>Reference to the count slot of a node's links at a level; the ids follow it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal ref int LinksAt(int node, int level)
    {
        if (level == 0)
        {
            return ref _links0.Row(node);
        }

        int[] upper = _upperLinks.Row(node)!;
        return ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(upper), (level - 1) * (_m + 1));
    }

    private void Insert<TMetric>(int node, int level)
        where TMetric : struct, IFloatMetric
    {
        SearchContext context = _pool.Rent();
        bool ownsEntryLock = false;
        try
        {
            _vectors.RowSpan(node).CopyTo(context.Query.Span);
            // The entry point is read before the space takes its row snapshot, so the snapshot covers it.
            long entry = Volatile.Read(ref _entry);
            var space = new FloatSpace<TMetric>(_vectors, context.Query, _dimension);
            if (entry < 0 || level > (int)(entry >> 32))
            {
                // This node may become the entry point: hold the entry lock for the whole insert so no
                // other node raises the top level meanwhile (hnswlib does the same).
                _entryLock.Enter();
                ownsEntryLock = true;
                entry = _entry;
                if (entry < 0)
                {
                    Volatile.Write(ref _entry, Pack(node, level));
                    return;
                }

                if (level <= (int)(entry >> 32))
                {
                    _entryLock.Exit();
                    ownsEntryLock = false;
                }

                // The entry may have moved since the snapshot was taken: take it again.
                space = new FloatSpace<TMetric>(_vectors, context.Query, _dimension);
            }

            int top = (int)(entry >> 32);
            int current = (int)entry;
            float currentDistance = space.Distance(current);
            for (int layer = top; layer > level; layer--)
            {
                GreedyStep(ref space, ref current, ref currentDistance, layer);
            }

            var accept = new NotDeletedPolicy(_states.View());
            context.EnsureScratch(Math.Max(_options.EfConstruction, _m0) + _m0 + 2);
            for (int layer = Math.Min(level, top); layer >= 0; layer--)
            {
                SearchLayer(ref space, accept, context, current, currentDistance, layer, _options.EfConstruction, NodeCount);
                int found = DrainSorted(context.Results, context.Sorted);
                found = RemoveNode(context.Sorted.AsSpan(0, found), node);
                if (found == 0)
                {
                    continue;
                }

                // The next layer starts from the nearest node that has finished its own insert: a node
                // still being inserted may not have its lower-layer links yet, and starting there would
                // leave this node with almost no neighbours.
                for (int i = 0; i < found; i++)
                {
                    if (_states.Row(context.Sorted[i].Node) != NodeState.Pending)
                    {
                        current = context.Sorted[i].Node;
                        currentDistance = context.Sorted[i].Distance;
                        break;
                    }
                }

                int selected = SelectNeighbours<TMetric>(context.Sorted.AsSpan(0, found), _m, context.Selected);
                SetOwnLinks<TMetric>(node, layer, context.Selected.AsSpan(0, selected), context);
                for (int i = 0; i < selected; i++)
                {
                    Connect<TMetric>(context.Selected[i].Node, node, layer, context);
                }
            }

            if (ownsEntryLock)
            {
                Volatile.Write(ref _entry, Pack(node, level));
            }
        }
        finally
        {
            if (ownsEntryLock)
            {
                _entryLock.Exit();
            }

            _pool.Return(context);
            GC.KeepAlive(this); // row views hold raw addresses into this index's pinned chunks

        }
    }

    private static long Pack(int node, int level) => ((long)level << 32) | (uint)node;

    /// <summary>
    /// Writes a new node's own links. Other inserts may already have linked themselves to this node
    /// (it becomes reachable as soon as an upper layer names it), so existing entries are merged.
    /// </summary>
    private void SetOwnLinks<TMetric>(int node, int layer, ReadOnlySpan<Candidate> selected, SearchContext context)
        where TMetric : struct, IFloatMetric
    {
        int max = layer == 0 ? _m0 : _m;
        lock (NodeLock(node))
        {
            ref int links = ref LinksAt(node, layer);
            int existing = links;
            if (existing == 0)
            {
                for (int i = 0; i < selected.Length; i++)
                {
                    Unsafe.Add(ref links, i + 1) = selected[i].Node;
                }

                Volatile.Write(ref links, selected.Length);
                return;
            }

            // Merge the selection with what others added, then keep the best by the heuristic.
            Span<Candidate> merged = context.Sorted.AsSpan(0, existing + selected.Length);
            int count = 0;
            ref float self = ref _vectors.Row(node);
            for (int i = 0; i < existing; i++)
            {
                int other = Unsafe.Add(ref links, i + 1);
                merged[count++] = new Candidate(TMetric.Distance(ref self, ref _vectors.Row(other), _dimension), other);
            }

            for (int i = 0; i < selected.Length; i++)
            {
                if (!ContainsNode(merged[..count], selected[i].Node))
                {
                    merged[count++] = selected[i];
                }
            }

            SortByDistance(merged[..count]);
            int kept = SelectNeighbours<TMetric>(merged[..count], max, context.Selected.AsSpan(selected.Length));
            WriteLinks(ref links, context.Selected.AsSpan(selected.Length, kept));
        }
    }

    /// <summary>Adds <paramref name="node"/> to the links of <paramref name="neighbour"/>, pruning by the heuristic when full.</summary>
    private void Connect<TMetric>(int neighbour, int node, int layer, SearchContext context)
        where TMetric : struct, IFloatMetric
    {
        int max = layer == 0 ? _m0 : _m;
        lock (NodeLock(neighbour))
        {
            ref int links = ref LinksAt(neighbour, layer);
            int count = links;
            for (int i = 1; i <= count; i++)
            {
                if (Unsafe.Add(ref links, i) == node)
                {
                    return;
                }
            }

            if (count < max)
            {
                Unsafe.Add(ref links, count + 1) = node;
                Volatile.Write(ref links, count + 1);
                return;
            }

            // Full: choose again among the old links plus the new node, dropping tombstones first.
            Span<Candidate> pool = context.Sorted.AsSpan(context.Sorted.Length - (max + 1));
            int n = 0;
            ref float origin = ref _vectors.Row(neighbour);
            for (int i = 1; i <= count; i++)
            {
                int other = Unsafe.Add(ref links, i);
                if (_states.Row(other) != NodeState.Deleted)
                {
                    pool[n++] = new Candidate(TMetric.Distance(ref origin, ref _vectors.Row(other), _dimension), other);
                }
            }

            pool[n++] = new Candidate(TMetric.Distance(ref origin, ref _vectors.Row(node), _dimension), node);
            SortByDistance(pool[..n]);
            Span<Candidate> keep = context.Selected.AsSpan(context.Selected.Length - max);
            int kept = SelectNeighbours<TMetric>(pool[..n], max, keep);
            WriteLinks(ref links, keep[..kept]);
        }
    }

    /// <summary>
    /// Relinks the neighbours of a deleted node around it: each live neighbour that linked to it
    /// chooses again, by the heuristic, among its other links and the deleted node's links.
    /// </summary>
    private void Repair(int deleted)
    {
        switch (_options.Metric)
        {
            case DistanceMetric.L2:
                Repair<L2Metric>(deleted);
                break;
            case DistanceMetric.Dot:
                Repair<DotMetric>(deleted);
                break;
            default:
                Repair<CosineMetric>(deleted);
                break;
        }
    }

    private void Repair<TMetric>(int deleted)
        where TMetric : struct, IFloatMetric
    {
        SearchContext context = _pool.Rent();
        try
        {
            int level = _levels.Row(deleted);
            Span<int> around = stackalloc int[_m0];
            context.EnsureScratch((2 * _m0) + 2);
            for (int layer = 0; layer <= level; layer++)
            {
                int max = layer == 0 ? _m0 : _m;
                int aroundCount;
                lock (NodeLock(deleted))
                {
                    ref int links = ref LinksAt(deleted, layer);
                    aroundCount = links;
                    for (int i = 0; i < aroundCount; i++)
                    {
                        around[i] = Unsafe.Add(ref links, i + 1);
                    }
                }

                for (int a = 0; a < aroundCount; a++)
                {
                    int neighbour = around[a];
                    if (neighbour == deleted || _states.Row(neighbour) == NodeState.Deleted)
                    {
                        continue;
                    }

                    RelinkWithout<TMetric>(neighbour, deleted, layer, max, around[..aroundCount], context);
                }
            }
        }
        finally
        {
            _pool.Return(context);
        }
    }

    private void RelinkWithout<TMetric>(int node, int deleted, int layer, int max, ReadOnlySpan<int> around, SearchContext context)
        where TMetric : struct, IFloatMetric
    {
        lock (NodeLock(node))
        {
            if (_levels.Row(node) < layer)
            {
                return;
            }

            ref int links = ref LinksAt(node, layer);
            int count = links;
            bool linked = false;
            for (int i = 1; i <= count; i++)
            {
                if (Unsafe.Add(ref links, i) == deleted)
                {
                    linked = true;
                    break;
                }
            }

            if (!linked)
            {
                return;
            }

            Span<Candidate> pool = context.Sorted.AsSpan(0, count + around.Length);
            int n = 0;
            ref float origin = ref _vectors.Row(node);
            for (int i = 1; i <= count; i++)
            {
                int other = Unsafe.Add(ref links, i);
                if (other != deleted && _states.Row(other) != NodeState.Deleted)
                {
                    pool[n++] = new Candidate(TMetric.Distance(ref origin, ref _vectors.Row(other), _dimension), other);
                }
            }

            for (int i = 0; i < around.Length; i++)
            {
                int other = around[i];
                if (other != node && other != deleted && _states.Row(other) != NodeState.Deleted
                    && _levels.Row(other) >= layer && !ContainsNode(pool[..n], other))
                {
                    pool[n++] = new Candidate(TMetric.Distance(ref origin, ref _vectors.Row(other), _dimension), other);
                }
            }

            SortByDistance(pool[..n]);
            int kept = SelectNeighbours<TMetric>(pool[..n], max, context.Selected, keepPruned: true);
            WriteLinks(ref links, context.Selected.AsSpan(0, kept));
        }
    }

    /// <summary>
    /// Counts a new tombstone; once tombstones since the last consolidation reach a tenth of the live
    /// points, consolidates (on the calling thread, so the cost is visible and tests stay deterministic).
    /// </summary>
    private void NoteTombstone()
    {
        int since = Interlocked.Increment(ref _tombstonesSinceConsolidation);
        if (since < Math.Max(64, Count / 10))
        {
            return;
        }

        // Only the thread that resets the counter consolidates.
        if (Interlocked.CompareExchange(ref _tombstonesSinceConsolidation, 0, since) == since)
        {
            ConsolidateDeletes();
        }
    }

    /// <summary>
    /// Relinks every live node that still links to a tombstone: it chooses again, by the heuristic,
    /// among its live links and the live links of its deleted neighbours (as FreshDiskANN consolidates
    /// deletes). The local repair at delete time only reaches nodes the deleted node linked to; this
    /// also reaches nodes that linked to it one-way. Runs concurrently with searches and writes.
    /// </summary>
    /// <returns>The number of link lists rewritten.</returns>
    public int ConsolidateDeletes()
    {
        _structureLock.EnterReadLock();
        try
        {
            return _options.Metric switch
            {
                DistanceMetric.L2 => ConsolidateDeletes<L2Metric>(),
                DistanceMetric.Dot => ConsolidateDeletes<DotMetric>(),
                _ => ConsolidateDeletes<CosineMetric>(),
            };
        }
        finally
        {
            _structureLock.ExitReadLock();
        }
    }

    private int ConsolidateDeletes<TMetric>()
        where TMetric : struct, IFloatMetric
    {
        SearchContext context = _pool.Rent();
        int rewritten = 0;
        try
        {
            context.EnsureScratch((_m0 * (_m0 + 1)) + 2);
            int nodes = Math.Min(NodeCount, _states.Capacity);
            for (int node = 0; node < nodes; node++)
            {
                if (_states.Row(node) != NodeState.Live)
                {
                    continue;
                }

                int level = _levels.Row(node);
                for (int layer = 0; layer <= level; layer++)
                {
                    if (LinksTombstone(node, layer))
                    {
                        RelinkAroundTombstones<TMetric>(node, layer, context, nodes);
                        rewritten++;
                    }
                }
            }
        }
        finally
        {
            _pool.Return(context);
        }

        return rewritten;
    }

    private bool LinksTombstone(int node, int layer)
    {
        ref int links = ref LinksAt(node, layer);
        int count = Volatile.Read(ref links);
        for (int i = 1; i <= count; i++)
        {
            if (_states.Row(Unsafe.Add(ref links, i)) == NodeState.Deleted)
            {
                return true;
            }
        }

        return false;
    }

    private void RelinkAroundTombstones<TMetric>(int node, int layer, SearchContext context, int nodes)
        where TMetric : struct, IFloatMetric
    {
        int max = layer == 0 ? _m0 : _m;
        VisitedSet seen = context.Visited;
        lock (NodeLock(node))
        {
            seen.Reset(nodes);
            seen.TestAndMark(node);
            ref int links = ref LinksAt(node, layer);
            int count = links;
            Span<Candidate> pool = context.Sorted;
            int n = 0;
            ref float origin = ref _vectors.Row(node);
            for (int i = 1; i <= count; i++)
            {
                int other = Unsafe.Add(ref links, i);
                if (_states.Row(other) != NodeState.Deleted)
                {
                    if (!seen.TestAndMark(other))
                    {
                        pool[n++] = new Candidate(TMetric.Distance(ref origin, ref _vectors.Row(other), _dimension), other);
                    }

                    continue;
                }

                // A tombstone: offer its live links instead (read without its lock, as searches do).
                ref int around = ref LinksAt(other, layer);
                int aroundCount = Math.Min(Volatile.Read(ref around), max);
                for (int j = 1; j <= aroundCount; j++)
                {
                    int candidate = Unsafe.Add(ref around, j);
                    if (_states.Row(candidate) != NodeState.Deleted && _levels.Row(candidate) >= layer && !seen.TestAndMark(candidate))
                    {
                        pool[n++] = new Candidate(TMetric.Distance(ref origin, ref _vectors.Row(candidate), _dimension), candidate);
                    }
                }
            }

            SortByDistance(pool[..n]);
            int kept = SelectNeighbours<TMetric>(pool[..n], max, context.Selected, keepPruned: true);
            WriteLinks(ref links, context.Selected.AsSpan(0, kept));
        }
    }

    /// <summary>
    /// The heuristic of the paper (Algorithm 4): walk candidates nearest first and keep one only if it
    /// is nearer to the base than to every neighbour already kept, so links spread in all directions.
    /// </summary>
    private int SelectNeighbours<TMetric>(ReadOnlySpan<Candidate> sortedCandidates, int max, Span<Candidate> selected, bool keepPruned = false)
        where TMetric : struct, IFloatMetric
    {
        if (sortedCandidates.Length <= max)
        {
            sortedCandidates.CopyTo(selected);
            return sortedCandidates.Length;
        }

        int count = 0;
        for (int i = 0; i < sortedCandidates.Length && count < max; i++)
        {
            Candidate candidate = sortedCandidates[i];
            ref float vector = ref _vectors.Row(candidate.Node);
            bool keep = true;
            for (int j = 0; j < count; j++)
            {
                if (TMetric.Distance(ref vector, ref _vectors.Row(selected[j].Node), _dimension) < candidate.Distance)
                {
                    keep = false;
                    break;
                }
            }

            if (keep)
            {
                selected[count++] = candidate;
            }
        }

        if (keepPruned && count < max)
        {
            // Paper, Algorithm 4's keepPrunedConnections: top the list up with the nearest candidates the
            // heuristic passed over. Repair uses it so relinked nodes keep the degree a fresh build
            // gives them through back-links; without it recall after many deletes drops by ~0.04.
            int chosen = count;
            for (int i = 0; i < sortedCandidates.Length && count < max; i++)
            {
                if (!ContainsNode(selected[..chosen], sortedCandidates[i].Node))
                {
                    selected[count++] = sortedCandidates[i];
                }
            }
        }

        return count;
    }

    /// <summary>Overwrites a link list: ids first, then the count, so a lock-free reader only ever reads valid ids.</summary>
    private static void WriteLinks(ref int links, ReadOnlySpan<Candidate> kept)
    {
        for (int i = 0; i < kept.Length; i++)
        {
            Unsafe.Add(ref links, i + 1) = kept[i].Node;
        }

        Volatile.Write(ref links, kept.Length);
    }

    private static bool ContainsNode(ReadOnlySpan<Candidate> candidates, int node)
    {
        for (int i = 0; i < candidates.Length; i++)
        {
            if (candidates[i].Node == node)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Removes a node from a sorted list, keeping the order. A concurrent insert can link to a node
    /// before the node has finished its own insert, so its own search may find itself.
    /// </summary>
    private static int RemoveNode(Span<Candidate> candidates, int node)
    {
        int count = 0;
        for (int i = 0; i < candidates.Length; i++)
        {
            if (candidates[i].Node != node)
            {
                candidates[count++] = candidates[i];
            }
        }

        return count;
    }

    /// <summary>Sorts by distance: insertion sort for short lists, introsort (no allocation) otherwise.</summary>
    private static void SortByDistance(Span<Candidate> candidates)
    {
        if (candidates.Length > 32)
        {
            HeapSort(candidates);
            return;
        }

        for (int i = 1; i < candidates.Length; i++)
        {
            Candidate item = candidates[i];
            int j = i - 1;
            while (j >= 0 && candidates[j].Distance > item.Distance)
            {
                candidates[j + 1] = candidates[j];
                j--;
            }

            candidates[j + 1] = item;
        }
    }

    /// <summary>Empties a max-heap into <paramref name="destination"/> nearest first; returns the count.</summary>
    private static int DrainSorted(CandidateHeap<FarthestFirst> heap, Candidate[] destination)
    {
        int count = heap.Count;
        for (int i = count - 1; i >= 0; i--)
        {
            destination[i] = heap.Pop();
        }

        return count;
    }

    /// <summary>In-place heapsort by distance: O(n log n) and, unlike Span.Sort with a comparer, no allocation.</summary>
    private static void HeapSort(Span<Candidate> items)
    {
        for (int start = (items.Length / 2) - 1; start >= 0; start--)
        {
            SiftDownMax(items, start, items.Length);
        }

        for (int end = items.Length - 1; end > 0; end--)
        {
            (items[0], items[end]) = (items[end], items[0]);
            SiftDownMax(items, 0, end);
        }
    }

    private static void SiftDownMax(Span<Candidate> items, int root, int count)
    {
        while (true)
        {
            int child = (2 * root) + 1;
            if (child >= count)
            {
                return;
            }

            if (child + 1 < count && items[child + 1].Distance > items[child].Distance)
            {
                child++;
            }

            if (items[root].Distance >= items[child].Distance)
            {
                return;
            }

            (items[root], items[child]) = (items[child], items[root]);
            root = child;
        }
    }
}
