using System.Diagnostics;
using System.Numerics;

namespace Vectron.Simulation.Linearizability;

/// <summary>
/// A fixed-capacity set of the integers 0..capacity-1, packed 64 to a word, that keeps an order-independent hash and
/// its smallest non-member current.
/// </summary>
/// <remarks>
/// The hash is Zobrist's: the XOR of a scrambled value per member, so adding or removing a member updates it in O(1)
/// instead of rehashing every word on each cache probe of the search. Not thread-safe.
/// </remarks>
internal sealed class Bitset
{
    private readonly ulong[] _words;

    /// <summary>An empty set that can hold 0..<paramref name="capacity"/>-1.</summary>
    public Bitset(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        Capacity = capacity;
        _words = new ulong[(capacity + 63) / 64];
    }

    /// <summary>One more than the largest member the set can hold.</summary>
    public int Capacity { get; }

    /// <summary>The Zobrist hash of the members: equal sets have equal hashes.</summary>
    public ulong Hash { get; private set; }

    /// <summary>The smallest integer that is not a member (<see cref="Capacity"/> when all are).</summary>
    public int FirstAbsent { get; private set; }

    /// <summary>The packed words (member i is bit i % 64 of word i / 64); a view, not a copy.</summary>
    public ReadOnlyMemory<ulong> Words => _words;

    /// <summary>The packed words that hold members <paramref name="first"/> to <paramref name="last"/>; a view, not a copy.</summary>
    public ReadOnlyMemory<ulong> Window(int first, int last) => _words.AsMemory(first >> 6, (last >> 6) - (first >> 6) + 1);

    /// <summary>Whether <paramref name="index"/> is a member.</summary>
    public bool Contains(int index) => (_words[index >> 6] & (1UL << index)) != 0;

    /// <summary>Adds <paramref name="index"/>, which must not be a member.</summary>
    public void Add(int index)
    {
        Debug.Assert(!Contains(index), "added twice");
        _words[index >> 6] |= 1UL << index;
        Hash ^= Scramble(index);
        if (index == FirstAbsent)
        {
            FirstAbsent = FindAbsent(index + 1);
        }
    }

    /// <summary>Removes <paramref name="index"/>, which must be a member.</summary>
    public void Remove(int index)
    {
        Debug.Assert(Contains(index), "removed a non-member");
        _words[index >> 6] &= ~(1UL << index);
        Hash ^= Scramble(index);
        FirstAbsent = Math.Min(FirstAbsent, index);
    }

    private int FindAbsent(int from)
    {
        for (int word = from >> 6; word < _words.Length; word++)
        {
            // Members below from count as present, so the first zero bit left is the answer.
            ulong absent = ~_words[word];
            if (word == from >> 6)
            {
                absent &= ~0UL << from;
            }

            if (absent != 0)
            {
                return Math.Min(Capacity, (word << 6) + BitOperations.TrailingZeroCount(absent));
            }
        }

        return Capacity;
    }

    // The SplitMix64 finaliser: a bijection, so distinct members never share a value, and well mixed, so XORs of
    // different sets rarely collide (a collision costs only a full comparison, never a wrong answer).
    private static ulong Scramble(int index)
    {
        ulong z = (ulong)index + 0x9E3779B97F4A7C15;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }
}
