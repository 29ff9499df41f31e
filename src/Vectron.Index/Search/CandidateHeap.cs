using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Vectron.Index.Search;

/// <summary>The order of a <see cref="CandidateHeap{TOrder}"/>, as a type so each heap's comparisons compile to one instruction.</summary>
internal interface IHeapOrder
{
    /// <summary>Whether distance <paramref name="a"/> belongs above <paramref name="b"/>.</summary>
    static abstract bool Above(float a, float b);
}

/// <summary>Nearest on top (the frontier of a search).</summary>
internal readonly struct NearestFirst : IHeapOrder
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Above(float a, float b) => a < b;
}

/// <summary>Farthest on top (the bounded result list).</summary>
internal readonly struct FarthestFirst : IHeapOrder
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Above(float a, float b) => a > b;
}

/// <summary>
/// A binary heap of candidates over a reusable array, ordered by <typeparamref name="TOrder"/>.
/// Grows on demand and keeps its array, so steady-state use does not allocate.
/// </summary>
/// <remarks>Not thread-safe: owned by one <see cref="SearchContext"/> at a time.</remarks>
internal sealed class CandidateHeap<TOrder>
    where TOrder : struct, IHeapOrder
{
    private Candidate[] _items;
    private int _count;

    public CandidateHeap(int capacity = 64)
    {
        _items = new Candidate[Math.Max(capacity, 4)];
    }

    public int Count => _count;

    public Candidate Top => _items[0];

    public float TopDistance => _items[0].Distance;

    public void Clear() => _count = 0;

    /// <summary>The items in heap order (not sorted).</summary>
    public ReadOnlySpan<Candidate> Items => _items.AsSpan(0, _count);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Push(float distance, int node)
    {
        if (_count == _items.Length)
        {
            Array.Resize(ref _items, _items.Length * 2);
        }

        ref Candidate items = ref MemoryMarshal.GetArrayDataReference(_items);
        int i = _count++;
        while (i > 0)
        {
            int parent = (i - 1) >> 1;
            Candidate p = Unsafe.Add(ref items, parent);
            if (!TOrder.Above(distance, p.Distance))
            {
                break;
            }

            Unsafe.Add(ref items, i) = p;
            i = parent;
        }

        Unsafe.Add(ref items, i) = new Candidate(distance, node);
    }

    /// <summary>Replaces the top with a new candidate and restores the order: one sift-down instead of a pop and a push.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void ReplaceTop(float distance, int node)
    {
        ref Candidate items = ref MemoryMarshal.GetArrayDataReference(_items);
        SiftDown(ref items, new Candidate(distance, node), _count);
    }

    public Candidate Pop()
    {
        ref Candidate items = ref MemoryMarshal.GetArrayDataReference(_items);
        Candidate top = items;
        int n = --_count;
        if (n > 0)
        {
            SiftDown(ref items, Unsafe.Add(ref items, n), n);
        }

        return top;
    }

    /// <summary>Places <paramref name="item"/> at the root of a heap of <paramref name="n"/> items and sifts it down.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void SiftDown(ref Candidate items, Candidate item, int n)
    {
        int i = 0;
        while (true)
        {
            int child = (2 * i) + 1;
            if (child >= n)
            {
                break;
            }

            Candidate c = Unsafe.Add(ref items, child);
            if (child + 1 < n)
            {
                Candidate r = Unsafe.Add(ref items, child + 1);
                if (TOrder.Above(r.Distance, c.Distance))
                {
                    child++;
                    c = r;
                }
            }

            if (!TOrder.Above(c.Distance, item.Distance))
            {
                break;
            }

            Unsafe.Add(ref items, i) = c;
            i = child;
        }

        Unsafe.Add(ref items, i) = item;
    }
}
