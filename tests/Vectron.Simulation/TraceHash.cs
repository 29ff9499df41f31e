namespace Vectron.Simulation;

/// <summary>
/// A running 64-bit hash of everything a simulation did (deliveries, faults, client results), so two runs of one seed
/// can be compared in one number. Not cryptographic; the same inputs give the same hash on every runtime.
/// </summary>
internal struct TraceHash
{
    private ulong _state;

    /// <summary>The hash of everything added so far.</summary>
    public readonly ulong Value => _state;

    /// <summary>Mixes <paramref name="value"/> into the hash (SplitMix64's finaliser over the running state).</summary>
    public void Add(ulong value)
    {
        ulong z = _state + 0x9E3779B97F4A7C15 + value;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        _state = z ^ (z >> 31);
    }

    /// <summary>Mixes the bytes of <paramref name="data"/> into the hash.</summary>
    public void Add(ReadOnlySpan<byte> data)
    {
        Add((ulong)data.Length);
        ulong word = 0;
        for (int i = 0; i < data.Length; i++)
        {
            word = (word << 8) | data[i];
            if ((i & 7) == 7)
            {
                Add(word);
                word = 0;
            }
        }

        Add(word);
    }
}
