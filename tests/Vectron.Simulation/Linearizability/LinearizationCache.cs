namespace Vectron.Simulation.Linearizability;

/// <summary>
/// The configurations the search has already reached: Lowe's memoisation, extended so that a configuration is pruned
/// when one that placed fewer unknown operations was reached before.
/// </summary>
/// <remarks>
/// <para>
/// A configuration is (completed operations linearized, unknown operations linearized, model state). Two paths that
/// reach the same one have the same futures, so only the first needs exploring (Lowe, "Testing for linearizability",
/// 2017, section 4). Unknown writes of dead values (see <see cref="OptionalOperations"/>) are interchangeable, so for
/// them only their number is part of the configuration.
/// </para>
/// <para>
/// Unknown operations have no return, so they never constrain what may come next; an unknown operation not yet placed
/// is only an extra option. Hence (C, U, s) can do everything (C, U ∪ X, s) can, and once the former is reached the
/// latter is pruned; likewise a configuration that placed more interchangeable writes. Without this, every subset of
/// pending unknown operations would be its own configuration and a history with a few dozen of them could not be
/// refuted. Each (C, s) therefore keeps the minimal (unknown set, count) pairs seen with it (an antichain, usually of one).
/// </para>
/// <para>Not thread-safe.</para>
/// </remarks>
internal sealed class LinearizationCache
{
    private readonly Dictionary<Key, List<(ulong[] Placed, int Dead)>> _entries = new(KeyComparer.Instance);

    /// <summary>The number of (completed set, state) pairs remembered.</summary>
    public int Count => _entries.Count;

    /// <summary>
    /// Remembers the configuration (<paramref name="completed"/>, <paramref name="placed"/> and
    /// <paramref name="deadPlaced"/>, <paramref name="state"/>) unless it, or one like it that placed a subset of
    /// <paramref name="placed"/> and at most <paramref name="deadPlaced"/> interchangeable writes, is already remembered.
    /// </summary>
    /// <returns>Whether the configuration is new (and so worth exploring).</returns>
    public bool TryAdd(Bitset completed, Bitset placed, int deadPlaced, string? state)
    {
        // Probe with a view of the live words; copy them only for a configuration that is kept.
        var probe = new Key(completed.Words, completed.Hash, state);
        var words = placed.Words.Span;
        if (!_entries.TryGetValue(probe, out var minimal))
        {
            _entries.Add(probe with { Words = completed.Words.ToArray() }, [(words.ToArray(), deadPlaced)]);
            return true;
        }

        foreach (var (seen, dead) in minimal)
        {
            if (dead <= deadPlaced && IsSubset(seen, words))
            {
                return false;
            }
        }

        // The new configuration is minimal; drop those it dominates to keep the list an antichain.
        int kept = 0;
        for (int index = 0; index < minimal.Count; index++)
        {
            if (deadPlaced > minimal[index].Dead || !IsSubset(words, minimal[index].Placed))
            {
                minimal[kept++] = minimal[index];
            }
        }

        minimal.RemoveRange(kept, minimal.Count - kept);
        minimal.Add((words.ToArray(), deadPlaced));
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
