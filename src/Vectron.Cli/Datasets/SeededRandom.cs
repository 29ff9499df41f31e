namespace Vectron.Cli.Datasets;

/// <summary>
/// xoshiro256** (Blackman and Vigna) seeded through SplitMix64: a fixed algorithm, so a seed gives
/// the same numbers on every runtime version, unlike <see cref="Random"/>. Not thread-safe.
/// </summary>
internal sealed class SeededRandom
{
    private ulong _s0;
    private ulong _s1;
    private ulong _s2;
    private ulong _s3;
    private double _spareGaussian;
    private bool _hasSpare;

    /// <summary>Creates the generator for <paramref name="seed"/>; different <paramref name="stream"/> values give independent sequences.</summary>
    public SeededRandom(ulong seed, ulong stream = 0)
    {
        ulong state = seed ^ (stream * 0xD1B54A32D192ED03UL);
        _s0 = SplitMix(ref state);
        _s1 = SplitMix(ref state);
        _s2 = SplitMix(ref state);
        _s3 = SplitMix(ref state);
    }

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        ulong result = RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [<paramref name="low"/>, <paramref name="high"/>).</summary>
    public double NextDouble(double low, double high) => low + ((high - low) * NextDouble());

    /// <summary>Standard normal, by the Box–Muller transform.</summary>
    public double NextGaussian()
    {
        if (_hasSpare)
        {
            _hasSpare = false;
            return _spareGaussian;
        }

        // 1 − u is in (0, 1], so the logarithm is finite.
        double radius = Math.Sqrt(-2 * Math.Log(1 - NextDouble()));
        double angle = 2 * Math.PI * NextDouble();
        _spareGaussian = radius * Math.Sin(angle);
        _hasSpare = true;
        return radius * Math.Cos(angle);
    }

    /// <summary>
    /// The SplitMix64 output for the state <paramref name="value"/>: a bijective mix of all 64 bits,
    /// used as a fixed, well-spread hash of keys (consecutive values give unrelated results).
    /// </summary>
    public static ulong Hash(ulong value)
    {
        ulong z = value + 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static ulong SplitMix(ref ulong state)
    {
        ulong previous = state;
        state += 0x9E3779B97F4A7C15UL;
        return Hash(previous);
    }

    private static ulong RotateLeft(ulong value, int count) => (value << count) | (value >> (64 - count));
}
