// Compiled into every project that checksums a format (linked, not referenced: Index and Storage share no assembly).
using System.Buffers.Binary;
using System.Numerics;

namespace Vectron.Checksums;

/// <summary>CRC-32C (Castagnoli), as used by every checksummed Vectron format; hardware-accelerated where the CPU has it.</summary>
internal static class Crc32C
{
    /// <summary>The checksum of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => Finish(Append(Start, data));

    /// <summary>Initial running state.</summary>
    public const uint Start = 0xFFFFFFFFu;

    /// <summary>Folds <paramref name="data"/> into a running state (from <see cref="Start"/>).</summary>
    public static uint Append(uint state, ReadOnlySpan<byte> data)
    {
        // BitOperations.Crc32C uses the SSE4.2 / ARM CRC instructions when present and a table otherwise.
        while (data.Length >= 8)
        {
            state = BitOperations.Crc32C(state, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[8..];
        }

        foreach (byte b in data)
        {
            state = BitOperations.Crc32C(state, b);
        }

        return state;
    }

    /// <summary>Turns a running state into the checksum.</summary>
    public static uint Finish(uint state) => ~state;
}
