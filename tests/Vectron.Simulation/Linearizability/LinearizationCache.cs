namespace Vectron.Simulation.Linearizability;

/// <summary>
/// The configurations the search has already reached: Lowe's memoisation, extended so that a configuration is pruned
/// when one that placed fewer unknown operations was reached before.
/// </summary>
/// <remarks>
/// <para>
/// A configuration is (completed operations linearized, unknown operations linearized, model state). Two paths that
/// reach the same one have the same futures, so only the first needs exploring (Lowe, "Testing for linearizability",
/// 2017, section 4).
/// </para>
/// <para>
/// Unknown operations have no return, so they never constrain what may come next; an unknown operation not yet placed
/// is only an extra option. Hence (C, U, s) can do everything (C, U ∪ X, s) can, and once the former is reached the
/// latter is pruned. Without this, every subset of pending unknown operations would be its own configuration and a
/// history with a few dozen of them could not be refuted. Each (C, s) therefore keeps the minimal unknown sets seen
/// with it (an antichain, usually of one).
/// </para>
/// <para>Not thread-safe.</para>
/// </remarks>
internal sealed class LinearizationCache
{
    private readonly Dictionary<Key, List<ulong[]>> _entries = new(KeyComparer.Instance);

    /// <summary>The number of (completed set, state) pairs remembered.</summary>
    public int Count => _entries.Count;

    /// <summary>
    /// Remembers the configuration (<paramref name="completed"/>, <paramref name="unknown"/>, <paramref name="state"/>)
    /// unless it, or one like it with a subset of <paramref name="unknown"/>, is already remembered.
    /// </summary>
    /// <returns>Whether the configuration is new (and so worth exploring).</returns>
    public bool TryAdd(Bitset completed, Bitset unknown, string? state)
    {
        // Probe with a view of the live words; copy them only for a configuration that is kept.
        var probe = new Key(completed.Words, completed.Hash, state);
        var placed = unknown.Words.Span;
        if (!_entries.TryGetValue(probe, out var minimal))
        {
            _entries.Add(probe with { Words = completed.Words.ToArray() }, [placed.ToArray()]);
            return true;
        }

        foreach (ulong[] seen in minimal)
        {
            if (IsSubset(seen, placed))
            {
                return false;
            }
        }

        // The new set is minimal; drop the sets it makes redundant (its supersets) to keep the list an antichain.
        int kept = 0;
        for (int index = 0; index < minimal.Count; index++)
        {
            if (!IsSubset(placed, minimal[index]))
            {
                minimal[kept++] = minimal[index];
            }
        }

        minimal.RemoveRange(kept, minimal.Count - kept);
        minimal.Add(placed.ToArray());
        return true;
    }

    private static bool IsSubset(ReadOnlySpan<ulong> subset, ReadOnlySpan<ulong> superset)
    {
        for (int word = 0; word < subset.Length; word++)
        {
            if ((subset[word] & ~superset[word]) != 0)
            {
                return false;
            }
        }

        return true;
    }

    private readonly record struct Key(ReadOnlyMemory<ulong> Words, ulong Hash, string? State);

    private sealed class KeyComparer : IEqualityComparer<Key>
    {
        public static readonly KeyComparer Instance = new();

        public bool Equals(Key x, Key y) =>
            x.Hash == y.Hash
            && string.Equals(x.State, y.State, StringComparison.Ordinal)
            && x.Words.Span.SequenceEqual(y.Words.Span);

        public int GetHashCode(Key obj) =>
            HashCode.Combine(obj.Hash, obj.State is null ? 0 : StringComparer.Ordinal.GetHashCode(obj.State));
    }
}
