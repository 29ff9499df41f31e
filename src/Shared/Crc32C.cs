// Compiled into every project that checksums a format (linked, not referenced: Index and Storage share no assembly).
using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Vectron.Checksums;

/// <summary>CRC-32C (Castagnoli), as used by every checksummed Vectron format; hardware-accelerated where the CPU has it.</summary>
internal static class Crc32C
{
    // Long inputs are split into three lanes checksummed side by side: the crc32 instruction has a latency of three
    // cycles but issues every cycle, so one dependent chain uses a third of it. The lanes are joined with the identity
    // crc(x, A || B) = shift(crc(x, A), |B|) xor crc(0, B), where shift(x, n) feeds n zero bytes and is linear in x,
    // so for the fixed lane length it is four table lookups.
    private const int Lane = 4096;

    private static readonly uint[] ShiftTable = BuildShiftTable();

    /// <summary>The checksum of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => Finish(Append(Start, data));

    /// <summary>Initial running state.</summary>
    public const uint Start = 0xFFFFFFFFu;

    /// <summary>Folds <paramref name="data"/> into a running state (from <see cref="Start"/>).</summary>
    public static uint Append(uint state, ReadOnlySpan<byte> data)
    {
        if (data.Length >= 3 * Lane)
        {
            ref byte start = ref MemoryMarshal.GetReference(data);
            int blocks = data.Length / (3 * Lane);
            for (int block = 0; block < blocks; block++)
            {
                ref byte a = ref Unsafe.Add(ref start, block * 3 * Lane);
                ref byte b = ref Unsafe.Add(ref a, Lane);
                ref byte c = ref Unsafe.Add(ref a, 2 * Lane);
                uint ca = state;
                uint cb = 0;
                uint cc = 0;
                for (int i = 0; i < Lane; i += 8)
                {
                    ca = BitOperations.Crc32C(ca, Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref a, i)));
                    cb = BitOperations.Crc32C(cb, Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref b, i)));
                    cc = BitOperations.Crc32C(cc, Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref c, i)));
                }

                state = Shift(Shift(ca) ^ cb) ^ cc;
            }

            data = data[(blocks * 3 * Lane)..];
        }

        return AppendSerial(state, data);
    }

    /// <summary>Turns a running state into the checksum.</summary>
    public static uint Finish(uint state) => ~state;

    // BitOperations.Crc32C uses the SSE4.2 / ARM CRC instructions when present and a table otherwise.
    private static uint AppendSerial(uint state, ReadOnlySpan<byte> data)
    {
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

    // shift(x, Lane) as the xor of one table entry per byte of x.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Shift(uint x)
    {
        uint[] table = ShiftTable;
        return table[(int)(x & 0xFF)] ^ table[256 + (int)((x >> 8) & 0xFF)] ^ table[512 + (int)((x >> 16) & 0xFF)] ^ table[768 + (int)(x >> 24)];
    }

    private static uint[] BuildShiftTable()
    {
        var table = new uint[1024];
        Span<byte> zeros = stackalloc byte[Lane];
        zeros.Clear();
        for (int position = 0; position < 4; position++)
        {
            for (int value = 0; value < 256; value++)
            {
                table[(position * 256) + value] = AppendSerial((uint)value << (8 * position), zeros);
            }
        }

        return table;
    }
}
