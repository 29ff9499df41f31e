using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Vectron.Index.Search;

/// <summary>
/// Marks of visited nodes with a generation counter: starting a new search is one increment, not a
/// clear of the whole array (the array is cleared only when the counter wraps).
/// </summary>
/// <remarks>Not thread-safe: owned by one <see cref="SearchContext"/> at a time.</remarks>
internal sealed class VisitedSet
{
    private uint[] _marks = [];
    private uint _generation;

    /// <summary>Starts a new search over nodes <c>[0, nodeCount)</c>.</summary>
    public void Reset(int nodeCount)
    {
        if (_marks.Length < nodeCount)
        {
            _marks = new uint[Math.Max(nodeCount, _marks.Length * 2)];
            _generation = 0;
        }

        if (++_generation == 0)
        {
            Array.Clear(_marks);
            _generation = 1;
        }
    }

    /// <summary>
    /// Marks <paramref name="node"/>; returns <see langword="true"/> when it was already marked. Nodes added
    /// after <see cref="Reset"/> (beyond the array) count as visited: a search may skip what did not exist when it began.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TestAndMark(int node)
    {
        uint[] marks = _marks;
        if ((uint)node >= (uint)marks.Length)
        {
            return true;
        }

        ref uint slot = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(marks), node);
        if (slot == _generation)
        {
            return true;
        }

        slot = _generation;
        return false;
    }
}
