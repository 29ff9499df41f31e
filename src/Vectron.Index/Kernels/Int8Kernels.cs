using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Vectron.Index.Kernels;

/// <summary>SIMD distance kernels over int8 vectors (quantization codes), exact in integer arithmetic.</summary>
/// <remarks>
/// Stateless and thread-safe. Every value is widened to 16 bits before it is multiplied, and products
/// are summed in 32-bit lanes, so any <see cref="sbyte"/> values, −128 included, give the exact result
/// for lengths up to 65,536. A squared distance that exceeds <see cref="int.MaxValue"/> (possible only
/// beyond 33,025 elements) saturates there rather than wrapping.
/// </remarks>
public static class Int8Kernels
{
    /// <summary>Returns the dot product <c>Σ aᵢ · bᵢ</c>, exact for lengths up to 65,536.</summary>
    /// <param name="a">The first vector.</param>
    /// <param name="b">The second vector, of the same length as <paramref name="a"/>.</param>
    /// <returns>The dot product.</returns>
    /// <exception cref="ArgumentException">The vectors have different lengths.</exception>
    public static int Dot(ReadOnlySpan<sbyte> a, ReadOnlySpan<sbyte> b)
    {
        if (a.Length != b.Length)
        {
            ThrowLengthMismatch(a.Length, b.Length);
        }

        return Dot(ref MemoryMarshal.GetReference(a), ref MemoryMarshal.GetReference(b), a.Length);
    }

    /// <summary>Returns the squared Euclidean distance <c>Σ (aᵢ − bᵢ)²</c>, saturated at <see cref="int.MaxValue"/>.</summary>
    /// <param name="a">The first vector.</param>
    /// <param name="b">The second vector, of the same length as <paramref name="a"/>.</param>
    /// <returns>The squared distance.</returns>
    /// <exception cref="ArgumentException">The vectors have different lengths.</exception>
    public static int SquaredL2(ReadOnlySpan<sbyte> a, ReadOnlySpan<sbyte> b)
    {
        if (a.Length != b.Length)
        {
            ThrowLengthMismatch(a.Length, b.Length);
        }

        return SquaredL2(ref MemoryMarshal.GetReference(a), ref MemoryMarshal.GetReference(b), a.Length);
    }

    /// <summary>Dot product over <paramref name="length"/> elements; the caller guarantees both ranges are readable.</summary>
    internal static int Dot(ref sbyte a, ref sbyte b, int length)
    {
        nuint n = (nuint)length;

        // Lane bound: one multiply-add-adjacent lane is x₀y₀ + x₁y₁ with |xᵢyᵢ| ≤ 128² = 2¹⁴, so at most
        // 2¹⁵ in magnitude. Each 32-bit accumulator lane receives one such pair per 32 elements, so
        // after 65,536 elements it holds at most 2048 · 2¹⁵ = 2²⁶, far below 2³¹; the total over
        // all lanes is at most 65,536 · 2¹⁴ = 2³⁰, which also fits.
        if (Avx2.IsSupported && n >= 16)
        {
            Vector256<int> acc0 = Vector256<int>.Zero;
            Vector256<int> acc1 = Vector256<int>.Zero;
            nuint i = 0;
            if (n >= 32)
            {
                nuint last = n - 32;
                do
                {
                    acc0 += Avx2.MultiplyAddAdjacent(Load256(ref a, i), Load256(ref b, i));
                    acc1 += Avx2.MultiplyAddAdjacent(Load256(ref a, i + 16), Load256(ref b, i + 16));
                    i += 32;
                }
                while (i <= last);
            }

            if (n - i >= 16)
            {
                acc0 += Avx2.MultiplyAddAdjacent(Load256(ref a, i), Load256(ref b, i));
                i += 16;
            }

            if (i != n)
            {
                // Overlapping last block ending at the last element; lanes already summed are zeroed.
                nuint offset = n - 16;
                Vector256<short> va = Load256(ref a, offset) & Mask256(i - offset);
                acc1 += Avx2.MultiplyAddAdjacent(va, Load256(ref b, offset));
            }

            return Vector256.Sum(acc0 + acc1);
        }

        if (Vector128.IsHardwareAccelerated && n >= 16)
        {
            Vector128<int> acc0 = Vector128<int>.Zero;
            Vector128<int> acc1 = Vector128<int>.Zero;
            nuint i = 0;
            nuint last = n - 16;
            do
            {
                (Vector128<short> a0, Vector128<short> a1) = Vector128.Widen(Vector128.LoadUnsafe(ref a, i));
                (Vector128<short> b0, Vector128<short> b1) = Vector128.Widen(Vector128.LoadUnsafe(ref b, i));
                acc0 += MultiplyAddAdjacent(a0, b0);
                acc1 += MultiplyAddAdjacent(a1, b1);
                i += 16;
            }
            while (i <= last);

            if (i != n)
            {
                Vector128<sbyte> va = Vector128.LoadUnsafe(ref a, last) & Mask128(i - last);
                (Vector128<short> a0, Vector128<short> a1) = Vector128.Widen(va);
                (Vector128<short> b0, Vector128<short> b1) = Vector128.Widen(Vector128.LoadUnsafe(ref b, last));
                acc0 += MultiplyAddAdjacent(a0, b0);
                acc1 += MultiplyAddAdjacent(a1, b1);
            }

            return Vector128.Sum(acc0 + acc1);
        }

        int sum = 0;
        for (nuint i = 0; i < n; i++)
        {
            sum += Unsafe.Add(ref a, i) * Unsafe.Add(ref b, i);
        }

        return sum;
    }

    /// <summary>Squared Euclidean distance over <paramref name="length"/> elements; the caller guarantees both ranges are readable.</summary>
    internal static int SquaredL2(ref sbyte a, ref sbyte b, int length)
    {
        nuint n = (nuint)length;

        // Lane bound: a difference lies in [−255, 255], so one multiply-add-adjacent lane is at most
        // 2 · 255² = 130,050. Each 32-bit accumulator lane receives one per 32 elements, so after
        // 65,536 elements it holds at most 2048 · 130,050 < 2²⁹. The total over all lanes can reach
        // 65,536 · 255² ≈ 4.3e9, beyond int, so the lanes are summed in 64 bits and saturated.
        if (Avx2.IsSupported && n >= 16)
        {
            Vector256<int> acc0 = Vector256<int>.Zero;
            Vector256<int> acc1 = Vector256<int>.Zero;
            nuint i = 0;
            if (n >= 32)
            {
                nuint last = n - 32;
                do
                {
                    Vector256<short> d0 = Load256(ref a, i) - Load256(ref b, i);
                    Vector256<short> d1 = Load256(ref a, i + 16) - Load256(ref b, i + 16);
                    acc0 += Avx2.MultiplyAddAdjacent(d0, d0);
                    acc1 += Avx2.MultiplyAddAdjacent(d1, d1);
                    i += 32;
                }
                while (i <= last);
            }

            if (n - i >= 16)
            {
                Vector256<short> d = Load256(ref a, i) - Load256(ref b, i);
                acc0 += Avx2.MultiplyAddAdjacent(d, d);
                i += 16;
            }

            if (i != n)
            {
                nuint offset = n - 16;
                Vector256<short> d = (Load256(ref a, offset) - Load256(ref b, offset)) & Mask256(i - offset);
                acc1 += Avx2.MultiplyAddAdjacent(d, d);
            }

            return SaturatingSum(acc0 + acc1);
        }

        if (Vector128.IsHardwareAccelerated && n >= 16)
        {
            Vector128<int> acc0 = Vector128<int>.Zero;
            Vector128<int> acc1 = Vector128<int>.Zero;
            nuint i = 0;
            nuint last = n - 16;
            do
            {
                (Vector128<short> a0, Vector128<short> a1) = Vector128.Widen(Vector128.LoadUnsafe(ref a, i));
                (Vector128<short> b0, Vector128<short> b1) = Vector128.Widen(Vector128.LoadUnsafe(ref b, i));
                Vector128<short> d0 = a0 - b0;
                Vector128<short> d1 = a1 - b1;
                acc0 += MultiplyAddAdjacent(d0, d0);
                acc1 += MultiplyAddAdjacent(d1, d1);
                i += 16;
            }
            while (i <= last);

            if (i != n)
            {
                Vector128<sbyte> mask = Mask128(i - last);
                (Vector128<short> a0, Vector128<short> a1) = Vector128.Widen(Vector128.LoadUnsafe(ref a, last) & mask);
                (Vector128<short> b0, Vector128<short> b1) = Vector128.Widen(Vector128.LoadUnsafe(ref b, last) & mask);
                Vector128<short> d0 = a0 - b0;
                Vector128<short> d1 = a1 - b1;
                acc0 += MultiplyAddAdjacent(d0, d0);
                acc1 += MultiplyAddAdjacent(d1, d1);
            }

            return SaturatingSum(acc0 + acc1);
        }

        long sum = 0;
        for (nuint i = 0; i < n; i++)
        {
            int d = Unsafe.Add(ref a, i) - Unsafe.Add(ref b, i);
            sum += d * d;
        }

        return (int)Math.Min(sum, int.MaxValue);
    }

    /// <summary>Sign-extends sixteen int8 values at <paramref name="source"/> + <paramref name="offset"/> to int16.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<short> Load256(ref sbyte source, nuint offset) =>
        Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref source, offset));

    /// <summary>All-ones in the int16 lanes at or after <paramref name="done"/>, zero before it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<short> Mask256(nuint done) =>
        Vector256.GreaterThanOrEqual(Vector256<short>.Indices, Vector256.Create((short)done));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<sbyte> Mask128(nuint done) =>
        Vector128.GreaterThanOrEqual(Vector128<sbyte>.Indices, Vector128.Create((sbyte)done));

    /// <summary>
    /// Int32 lanes whose total is <c>Σ xᵢ · yᵢ</c>, each lane the sum of two products (the lane order
    /// may differ between platforms; only the total is used).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector128<int> MultiplyAddAdjacent(Vector128<short> x, Vector128<short> y)
    {
        if (Sse2.IsSupported)
        {
            return Sse2.MultiplyAddAdjacent(x, y);
        }

        return MultiplyAddAdjacentPortable(x, y);
    }

    /// <summary>The portable form of <see cref="MultiplyAddAdjacent"/>, for platforms without pmaddwd.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector128<int> MultiplyAddAdjacentPortable(Vector128<short> x, Vector128<short> y)
    {
        (Vector128<int> xLower, Vector128<int> xUpper) = Vector128.Widen(x);
        (Vector128<int> yLower, Vector128<int> yUpper) = Vector128.Widen(y);
        return (xLower * yLower) + (xUpper * yUpper);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int SaturatingSum(Vector256<int> lanes)
    {
        (Vector256<long> lower, Vector256<long> upper) = Vector256.Widen(lanes);
        return (int)Math.Min(Vector256.Sum(lower + upper), int.MaxValue);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int SaturatingSum(Vector128<int> lanes)
    {
        (Vector128<long> lower, Vector128<long> upper) = Vector128.Widen(lanes);
        return (int)Math.Min(Vector128.Sum(lower + upper), int.MaxValue);
    }

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowLengthMismatch(int lengthA, int lengthB) =>
        throw new ArgumentException($"Vectors must have the same length; got {lengthA} and {lengthB}.");
}
