using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Vectron.Index.Search;

/// <summary>
/// Marks of visited nodes with a generation counter: starting a new search is one increment, not a
/// clear of the whole array (the array is cleared only when the 16-bit counter wraps, every 65,535
/// searches). 16-bit marks halve the cache footprint against 32-bit ones, as in hnswlib.
/// </summary>
/// <remarks>Not thread-safe: owned by one <see cref="SearchContext"/> at a time.</remarks>
internal sealed class VisitedSet
{
    private ushort[] _marks = [];
    private ushort _generation;
    private int _limit;

    /// <summary>Starts a new search over nodes <c>[0, nodeCount)</c>.</summary>
    public void Reset(int nodeCount)
    {
        _limit = nodeCount;
        if (_marks.Length < nodeCount)
        {
            _marks = new ushort[Math.Max(nodeCount, _marks.Length * 2)];
            _generation = 0;
        }

        if (++_generation == 0)
        {
            Array.Clear(_marks);
            _generation = 1;
        }
    }

    /// <summary>The current search's mark value; a node is visited when its mark equals it.</summary>
    public ushort Generation => _generation;

    /// <summary>
    /// Reference to the first mark, for a search loop that tests marks inline; valid until the next
    /// <see cref="Reset"/>, and only for nodes below the count given to it.
    /// </summary>
    public ref ushort MarksReference => ref MemoryMarshal.GetArrayDataReference(_marks);

    /// <summary>
    /// Marks <paramref name="node"/>; returns <see langword="true"/> when it was already marked. Nodes at or
    /// beyond the count given to <see cref="Reset"/> count as visited: a search skips what did not exist
    /// (or was not yet addressable by its row snapshots) when it began.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TestAndMark(int node)
    {
        ushort[] marks = _marks;
        if ((uint)node >= (uint)_limit)
        {
            return true;
        }

        ref ushort slot = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(marks), node);
        if (slot == _generation)
        {
            return true;
        }

        slot = _generation;
        return false;
    }
}
