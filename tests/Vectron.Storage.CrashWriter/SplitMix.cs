using System.Buffers.Binary;

namespace Vectron.Storage.CrashWriter;

/// <summary>
/// SplitMix64: a tiny generator whose output depends only on its seed, so the writer and the test derive the same
/// plans and payloads from (seed, batch, group, ordinal) in different processes without sharing any state.
/// </summary>
internal struct SplitMix
{
    private const ulong Golden = 0x9E3779B97F4A7C15;

    private ulong _state;

    public SplitMix(ulong seed)
    {
        _state = seed;
    }

    /// <summary>A generator for one tuple of keys; different tuples give unrelated streams.</summary>
    public static SplitMix For(ulong seed, ulong a, ulong b = 0, ulong c = 0) =>
        new(Mix(Mix(Mix(seed ^ 0x5DEECE66DUL) ^ a) ^ (b * Golden)) ^ (c + 0x632BE59BD9B4E019));

    /// <summary>The SplitMix64 finaliser: a bijection that scatters every input bit over the output.</summary>
    public static ulong Mix(ulong value)
    {
        ulong z = value + Golden;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }

    public ulong Next()
    {
        _state += Golden;
        ulong z = _state;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }

    /// <summary>A value in <c>[0, bound)</c>; <paramref name="bound"/> must be positive.</summary>
    public int Next(int bound) => (int)(Next() % (ulong)bound);

    public void Fill(Span<byte> destination)
    {
        while (destination.Length >= 8)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(destination, Next());
            destination = destination[8..];
        }

        if (!destination.IsEmpty)
        {
            Span<byte> last = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(last, Next());
            last[..destination.Length].CopyTo(destination);
        }
    }
}
