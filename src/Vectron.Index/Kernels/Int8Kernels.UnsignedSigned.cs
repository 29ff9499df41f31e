using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Vectron.Index.Kernels;

// The unsigned-by-signed dot product: what the index computes per node when the query codes are
// prepared once per search in offset binary (qᵢ + 128, a byte) and the stored codes stay signed.
// Σ (qᵢ + 128)·cᵢ = Σ qᵢcᵢ + 128·Σ cᵢ, and the second term depends on the node alone, so it lives in
// the node's stored correction (docs/quantization.md). On AVX-VNNI the kernel is then one vpdpbusd
// per 32 bytes, where the signed-by-signed Dot needs an XOR and a second vpdpbusd for Σ b.
public static partial class Int8Kernels
{
    /// <summary>Returns the dot product <c>Σ aᵢ · bᵢ</c> of unsigned and signed bytes, saturated to the <see cref="int"/> range.</summary>
    /// <param name="a">The unsigned vector (0 to 255).</param>
    /// <param name="b">The signed vector, of the same length as <paramref name="a"/>.</param>
    /// <returns>
    /// The dot product, exact whenever it fits in <see cref="int"/>, which it always does up to
    /// 65,536 elements (255 · 128 · 65,536 = 2,139,095,040 &lt; 2³¹).
    /// </returns>
    /// <exception cref="ArgumentException">The vectors have different lengths.</exception>
    /// <remarks>Stateless and thread-safe.</remarks>
    public static int DotUnsignedSigned(ReadOnlySpan<byte> a, ReadOnlySpan<sbyte> b)
    {
        if (a.Length != b.Length)
        {
            ThrowLengthMismatch(a.Length, b.Length);
        }

        return DotUnsignedSigned(ref MemoryMarshal.GetReference(a), ref MemoryMarshal.GetReference(b), a.Length);
    }

    /// <summary>Unsigned-by-signed dot product over <paramref name="length"/> elements; the caller guarantees both ranges are readable.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static int DotUnsignedSigned(ref byte a, ref sbyte b, int length) =>
        length <= BlockLength ? DotUnsignedSignedBlock(ref a, ref b, (nuint)length) : DotUnsignedSignedInBlocks(ref a, ref b, length);

    // AVX-VNNI first even where AVX-512 is accelerated: .NET 10 has no 512-bit vpdpbusd for CPUs
    // without AVX10, but 512-bit loads split into two 256-bit vpdpbusd measured faster than both the
    // 512-bit widening loop and 256-bit loads from 384 elements on, level at 256, and slower at 128
    // (docs/benchmarks.md, "Distance kernels"); below 256 the 256-bit loads are used.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int DotUnsignedSignedBlock(ref byte a, ref sbyte b, nuint length)
    {
        if (Vector512.IsHardwareAccelerated && AvxVnni.IsSupported && length >= 256)
        {
            return DotUnsignedSignedVector512Vnni(ref a, ref b, length);
        }

        if (Vector256.IsHardwareAccelerated && AvxVnni.IsSupported && length >= 16)
        {
            return length >= 32 ? DotUnsignedSignedVector256Vnni(ref a, ref b, length) : DotUnsignedSignedVector128Vnni(ref a, ref b, length);
        }

        if (Vector512.IsHardwareAccelerated && Avx512BW.IsSupported && length >= 32)
        {
            return DotUnsignedSignedVector512(ref a, ref b, length);
        }

        if (Vector256.IsHardwareAccelerated && Avx2.IsSupported && length >= 16)
        {
            return DotUnsignedSignedVector256(ref a, ref b, length);
        }

        if (Vector128.IsHardwareAccelerated && length >= 16)
        {
            return DotUnsignedSignedVector128(ref a, ref b, length);
        }

        return DotUnsignedSignedScalar(ref a, ref b, length);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int DotUnsignedSignedInBlocks(ref byte a, ref sbyte b, int length)
    {
        long sum = 0;
        for (nuint offset = 0; offset < (nuint)length; offset += BlockLength)
        {
            nuint count = Math.Min(BlockLength, (nuint)length - offset);
            sum += DotUnsignedSignedBlock(ref Unsafe.Add(ref a, offset), ref Unsafe.Add(ref b, offset), count);
        }

        return (int)Math.Clamp(sum, int.MinValue, int.MaxValue);
    }

    // Bounds: a product aᵢbᵢ lies in [−255 · 128, 255 · 127], so a block of 65,536 elements sums to
    // at most 2,139,095,040 in magnitude, inside int; and int lanes add modulo 2³², so whatever the
    // lanes hold on the way, their total is exact. Lanes stay small anyway: vpdpbusd adds four
    // products (< 2¹⁷) per step, and each lane takes one step per 32 elements at most (2¹¹ steps per
    // block, < 2²⁸); pmaddwd adds two products (< 2¹⁶) per step, one step per 16 elements at most
    // (< 2²⁸). pmaddwd saturates only for two pairs of −32,768, which widened bytes never are.
    //
    // Four accumulators: vpdpbusd has a latency of several cycles, and at 768 dimensions one chain
    // of 24 dependent steps would bound the loop, not the loads.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int DotUnsignedSignedVector256Vnni(ref byte a, ref sbyte b, nuint length)
    {
        Debug.Assert(length >= 32);
        Vector256<int> acc0 = Vector256<int>.Zero, acc1 = acc0, acc2 = acc0, acc3 = acc0;
        nuint i = 0;
        for (nuint end = length & ~(nuint)127; i < end; i += 128)
        {
            acc0 = AvxVnni.MultiplyWideningAndAdd(acc0, Vector256.LoadUnsafe(ref a, i), Vector256.LoadUnsafe(ref b, i));
            acc1 = AvxVnni.MultiplyWideningAndAdd(acc1, Vector256.LoadUnsafe(ref a, i + 32), Vector256.LoadUnsafe(ref b, i + 32));
            acc2 = AvxVnni.MultiplyWideningAndAdd(acc2, Vector256.LoadUnsafe(ref a, i + 64), Vector256.LoadUnsafe(ref b, i + 64));
            acc3 = AvxVnni.MultiplyWideningAndAdd(acc3, Vector256.LoadUnsafe(ref a, i + 96), Vector256.LoadUnsafe(ref b, i + 96));
        }

        if (length - i >= 64)
        {
            acc0 = AvxVnni.MultiplyWideningAndAdd(acc0, Vector256.LoadUnsafe(ref a, i), Vector256.LoadUnsafe(ref b, i));
            acc1 = AvxVnni.MultiplyWideningAndAdd(acc1, Vector256.LoadUnsafe(ref a, i + 32), Vector256.LoadUnsafe(ref b, i + 32));
            i += 64;
        }

        if (length - i >= 32)
        {
            acc2 = AvxVnni.MultiplyWideningAndAdd(acc2, Vector256.LoadUnsafe(ref a, i), Vector256.LoadUnsafe(ref b, i));
            i += 32;
        }

        if (i != length)
        {
            // The last 32 elements, overlapping what is done: b zeroed there adds nothing.
            nuint last = length - 32;
            Vector256<sbyte> maskedB = Vector256.LoadUnsafe(ref b, last)
                & Vector256.GreaterThanOrEqual(Vector256<sbyte>.Indices, Vector256.Create((sbyte)(i - last)));
            acc3 = AvxVnni.MultiplyWideningAndAdd(acc3, Vector256.LoadUnsafe(ref a, last), maskedB);
        }

        return Sum((acc0 + acc1) + (acc2 + acc3));
    }

    // The same with 512-bit loads, each split into two 256-bit vpdpbusd: at 768 dimensions the
    // 256-bit loop is bound by its 48 loads (two per cycle on the Zen 5 this was tuned on), and 24
    // loads of 64 bytes took about 5.5 ns against 7.8 ns. The upper half costs an extract, which
    // runs beside the multiplies.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int DotUnsignedSignedVector512Vnni(ref byte a, ref sbyte b, nuint length)
    {
        Debug.Assert(length >= 32);
        Vector256<int> acc0 = Vector256<int>.Zero, acc1 = acc0, acc2 = acc0, acc3 = acc0;
        nuint i = 0;
        for (nuint end = length & ~(nuint)127; i < end; i += 128)
        {
            Vector512<byte> a0 = Vector512.LoadUnsafe(ref a, i), a1 = Vector512.LoadUnsafe(ref a, i + 64);
            Vector512<sbyte> b0 = Vector512.LoadUnsafe(ref b, i), b1 = Vector512.LoadUnsafe(ref b, i + 64);
            acc0 = AvxVnni.MultiplyWideningAndAdd(acc0, a0.GetLower(), b0.GetLower());
            acc1 = AvxVnni.MultiplyWideningAndAdd(acc1, a0.GetUpper(), b0.GetUpper());
            acc2 = AvxVnni.MultiplyWideningAndAdd(acc2, a1.GetLower(), b1.GetLower());
            acc3 = AvxVnni.MultiplyWideningAndAdd(acc3, a1.GetUpper(), b1.GetUpper());
        }

        if (length - i >= 64)
        {
            Vector512<byte> a0 = Vector512.LoadUnsafe(ref a, i);
            Vector512<sbyte> b0 = Vector512.LoadUnsafe(ref b, i);
            acc0 = AvxVnni.MultiplyWideningAndAdd(acc0, a0.GetLower(), b0.GetLower());
            acc1 = AvxVnni.MultiplyWideningAndAdd(acc1, a0.GetUpper(), b0.GetUpper());
            i += 64;
        }

        if (length - i >= 32)
        {
            acc2 = AvxVnni.MultiplyWideningAndAdd(acc2, Vector256.LoadUnsafe(ref a, i), Vector256.LoadUnsafe(ref b, i));
            i += 32;
        }

        if (i != length)
        {
            nuint last = length - 32;
            Vector256<sbyte> maskedB = Vector256.LoadUnsafe(ref b, last)
                & Vector256.GreaterThanOrEqual(Vector256<sbyte>.Indices, Vector256.Create((sbyte)(i - last)));
            acc3 = AvxVnni.MultiplyWideningAndAdd(acc3, Vector256.LoadUnsafe(ref a, last), maskedB);
        }

        return Sum((acc0 + acc1) + (acc2 + acc3));
    }

    /// <summary>16 to 31 elements on AVX-VNNI: two 128-bit steps, the second overlapping and masked.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int DotUnsignedSignedVector128Vnni(ref byte a, ref sbyte b, nuint length)
    {
        Debug.Assert(length is >= 16 and < 32);
        Vector128<int> acc = AvxVnni.MultiplyWideningAndAdd(Vector128<int>.Zero, Vector128.LoadUnsafe(ref a), Vector128.LoadUnsafe(ref b));
        if (length != 16)
        {
            nuint last = length - 16;
            Vector128<sbyte> maskedB = Vector128.LoadUnsafe(ref b, last) & RemainderMask128(16 - last);
            acc = AvxVnni.MultiplyWideningAndAdd(acc, Vector128.LoadUnsafe(ref a, last), maskedB);
        }

        return Sum(acc);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int DotUnsignedSignedVector512(ref byte a, ref sbyte b, nuint length)
    {
        Debug.Assert(length >= 32);
        Vector512<int> acc0 = Vector512<int>.Zero, acc1 = acc0;
        nuint i = 0;
        for (nuint end = length & ~(nuint)63; i < end; i += 64)
        {
            acc0 += Avx512BW.MultiplyAddAdjacent(WidenUnsigned512(ref a, i), Widen512(ref b, i));
            acc1 += Avx512BW.MultiplyAddAdjacent(WidenUnsigned512(ref a, i + 32), Widen512(ref b, i + 32));
        }

        if (length - i >= 32)
        {
            acc0 += Avx512BW.MultiplyAddAdjacent(WidenUnsigned512(ref a, i), Widen512(ref b, i));
            i += 32;
        }

        if (i != length)
        {
            nuint last = length - 32;
            Vector512<short> maskedB = Widen512(ref b, last) & Vector512.GreaterThanOrEqual(Vector512<short>.Indices, Vector512.Create((short)(i - last)));
            acc1 += Avx512BW.MultiplyAddAdjacent(WidenUnsigned512(ref a, last), maskedB);
        }

        return Sum(acc0 + acc1);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int DotUnsignedSignedVector256(ref byte a, ref sbyte b, nuint length)
    {
        Debug.Assert(length >= 16);
        Vector256<int> acc0 = Vector256<int>.Zero, acc1 = acc0;
        nuint i = 0;
        for (nuint end = length & ~(nuint)31; i < end; i += 32)
        {
            acc0 += Avx2.MultiplyAddAdjacent(WidenUnsigned256(ref a, i), Widen256(ref b, i));
            acc1 += Avx2.MultiplyAddAdjacent(WidenUnsigned256(ref a, i + 16), Widen256(ref b, i + 16));
        }

        if (length - i >= 16)
        {
            acc0 += Avx2.MultiplyAddAdjacent(WidenUnsigned256(ref a, i), Widen256(ref b, i));
            i += 16;
        }

        if (i != length)
        {
            nuint last = length - 16;
            Vector256<short> maskedB = Widen256(ref b, last) & Vector256.GreaterThanOrEqual(Vector256<short>.Indices, Vector256.Create((short)(i - last)));
            acc1 += Avx2.MultiplyAddAdjacent(WidenUnsigned256(ref a, last), maskedB);
        }

        return Sum(acc0 + acc1);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int DotUnsignedSignedVector128(ref byte a, ref sbyte b, nuint length)
    {
        Debug.Assert(length >= 16);
        Vector128<int> acc0 = Vector128<int>.Zero, acc1 = acc0;
        nuint i = 0;
        for (nuint end = length & ~(nuint)15; i < end; i += 16)
        {
            (Vector128<ushort> a0, Vector128<ushort> a1) = Vector128.Widen(Vector128.LoadUnsafe(ref a, i));
            (Vector128<short> b0, Vector128<short> b1) = Vector128.Widen(Vector128.LoadUnsafe(ref b, i));
            acc0 += MultiplyAddAdjacent(a0.AsInt16(), b0);
            acc1 += MultiplyAddAdjacent(a1.AsInt16(), b1);
        }

        if (i != length)
        {
            nuint last = length - 16;
            Vector128<sbyte> maskedB = Vector128.LoadUnsafe(ref b, last) & RemainderMask128(i - last);
            (Vector128<ushort> a0, Vector128<ushort> a1) = Vector128.Widen(Vector128.LoadUnsafe(ref a, last));
            (Vector128<short> b0, Vector128<short> b1) = Vector128.Widen(maskedB);
            acc0 += MultiplyAddAdjacent(a0.AsInt16(), b0);
            acc1 += MultiplyAddAdjacent(a1.AsInt16(), b1);
        }

        return Sum(acc0 + acc1);
    }

    internal static int DotUnsignedSignedScalar(ref byte a, ref sbyte b, nuint length)
    {
        int sum = 0;
        for (nuint i = 0; i < length; i++)
        {
            sum += Unsafe.Add(ref a, i) * Unsafe.Add(ref b, i);
        }

        return sum;
    }

    /// <summary>Zero-extends the 32 bytes at <paramref name="offset"/> to int16.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<short> WidenUnsigned512(ref byte source, nuint offset) =>
        Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref source, offset));

    /// <summary>Zero-extends the 16 bytes at <paramref name="offset"/> to int16.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<short> WidenUnsigned256(ref byte source, nuint offset) =>
        Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref source, offset));
}
