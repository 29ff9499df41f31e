namespace Vectron.Simulation;

/// <summary>SplitMix64 (Steele, Lea and Flood, 2014): a tiny generator whose whole output is fixed by its seed, on every runtime.</summary>
/// <remarks>Simulations draw everything from it so that a printed seed replays a run exactly. A mutable struct: pass it by ref.</remarks>
internal struct SplitMix
{
    private const ulong Golden = 0x9E3779B97F4A7C15;

    private ulong _state;

    /// <summary>A generator seeded with <paramref name="seed"/>.</summary>
    public SplitMix(ulong seed)
    {
        _state = seed;
    }

    /// <summary>The next 64 random bits.</summary>
    public ulong Next()
    {
        _state += Golden;
        ulong z = _state;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }

    /// <summary>A number in 0..<paramref name="bound"/>-1, near enough uniform for any bound below 2^31.</summary>
    public int Next(int bound)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bound);
        return (int)(((Next() >> 32) * (ulong)bound) >> 32);
    }

    /// <summary>A number in <paramref name="low"/>..<paramref name="high"/>, both included.</summary>
    public long Between(long low, long high) => low + Next((int)(high - low + 1));

    /// <summary><see langword="true"/> with probability <paramref name="percent"/>/100.</summary>
    public bool Percent(int percent) => Next(100) < percent;
}
