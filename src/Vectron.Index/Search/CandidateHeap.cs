using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Vectron.Index.Search;

/// <summary>
/// A binary heap of candidates over a reusable array: a min-heap (nearest on top) or a max-heap
/// (farthest on top). Grows on demand and keeps its array, so steady-state use does not allocate.
/// </summary>
/// <remarks>Not thread-safe: owned by one <see cref="SearchContext"/> at a time.</remarks>
internal sealed class CandidateHeap
{
    private readonly bool _maxOnTop;
    private Candidate[] _items;
    private int _count;

    public CandidateHeap(bool maxOnTop, int capacity = 64)
    {
        _maxOnTop = maxOnTop;
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
        // Sift up: the max-heap compares negated distances so one loop serves both orders.
        float key = _maxOnTop ? -distance : distance;
        while (i > 0)
        {
            int parent = (i - 1) >> 1;
            Candidate p = Unsafe.Add(ref items, parent);
            float pk = _maxOnTop ? -p.Distance : p.Distance;
            if (pk <= key)
            {
                break;
            }

            Unsafe.Add(ref items, i) = p;
            i = parent;
        }

        Unsafe.Add(ref items, i) = new Candidate(distance, node);
    }

    public Candidate Pop()
    {
        ref Candidate items = ref MemoryMarshal.GetArrayDataReference(_items);
        Candidate top = items;
        int n = --_count;
        if (n > 0)
        {
            Candidate last = Unsafe.Add(ref items, n);
            float key = _maxOnTop ? -last.Distance : last.Distance;
            int i = 0;
            while (true)
            {
                int child = (2 * i) + 1;
                if (child >= n)
                {
                    break;
                }

                Candidate c = Unsafe.Add(ref items, child);
                float ck = _maxOnTop ? -c.Distance : c.Distance;
                if (child + 1 < n)
                {
                    Candidate r = Unsafe.Add(ref items, child + 1);
                    float rk = _maxOnTop ? -r.Distance : r.Distance;
                    if (rk < ck)
                    {
                        child++;
                        c = r;
                        ck = rk;
                    }
                }

                if (key <= ck)
                {
                    break;
                }

                Unsafe.Add(ref items, i) = c;
                i = child;
            }

            Unsafe.Add(ref items, i) = last;
        }

        return top;
    }
}
