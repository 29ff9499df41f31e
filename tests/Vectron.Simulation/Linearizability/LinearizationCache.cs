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
    // Per (completed set, state): the minimal (unknown set, dead count) pairs, an antichain; an array because it almost
    // always holds one pair, and is replaced whole in the rare case it changes.
    private readonly Dictionary<Key, (ulong[] Placed, int Dead)[]> _entries = new(KeyComparer.Instance);

    /// <summary>
    /// Remembers the configuration (completed set, <paramref name="placed"/> and <paramref name="deadPlaced"/>,
    /// <paramref name="state"/>) unless it, or one like it that placed a subset of <paramref name="placed"/> and at most
    /// <paramref name="deadPlaced"/> interchangeable writes, is already remembered.
    /// </summary>
    /// <param name="completedFloor">The smallest completed operation not placed: every one below it is.</param>
    /// <param name="completedWindow">The words of the completed set from the floor to the last operation that can be placed while the floor is not.</param>
    /// <param name="completedHash">The hash of the whole completed set.</param>
    /// <param name="placed">The unknown operations placed (see <see cref="OptionalOperations.Placed"/>).</param>
    /// <param name="deadPlaced">The unknown writes of dead values placed.</param>
    /// <param name="state">The model state.</param>
    /// <returns>Whether the configuration is new (and so worth exploring).</returns>
    public bool TryAdd(int completedFloor, ReadOnlyMemory<ulong> completedWindow, ulong completedHash, Bitset placed, int deadPlaced, string? state)
    {
        // Probe with a view of the live words; copy them only for a configuration that is kept.
        var probe = new Key(completedFloor, completedWindow, completedHash, state);
        var words = placed.Words.Span;
        if (!_entries.TryGetValue(probe, out var minimal))
        {
            _entries.Add(probe with { Window = completedWindow.ToArray() }, [(words.ToArray(), deadPlaced)]);
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
        var kept = new List<(ulong[] Placed, int Dead)>(minimal.Length + 1);
        foreach (var entry in minimal)
        {
            if (deadPlaced > entry.Dead || !IsSubset(words, entry.Placed))
            {
                kept.Add(entry);
            }
        }

        kept.Add((words.ToArray(), deadPlaced));
        _entries[probe] = [.. kept];
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

    // The completed set as its floor and the window above it: the set holds every operation below the floor and none
    // past the window (an operation is only placed while every earlier-returning one is), so these determine it.
    private readonly record struct Key(int Floor, ReadOnlyMemory<ulong> Window, ulong Hash, string? State);

    private sealed class KeyComparer : IEqualityComparer<Key>
    {
        public static readonly KeyComparer Instance = new();

        public bool Equals(Key x, Key y) =>
            x.Hash == y.Hash
            && x.Floor == y.Floor
            && string.Equals(x.State, y.State, StringComparison.Ordinal)
            && x.Window.Span.SequenceEqual(y.Window.Span);

        public int GetHashCode(Key obj) =>
            HashCode.Combine(obj.Hash, obj.State is null ? 0 : StringComparer.Ordinal.GetHashCode(obj.State));
    }
}
