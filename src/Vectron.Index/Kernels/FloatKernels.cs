using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Vectron.Index.Kernels;

/// <summary>
/// SIMD distance kernels over float32 vectors: squared Euclidean distance, dot product, cosine
/// similarity and Euclidean norm.
/// </summary>
/// <remarks>
/// Stateless and thread-safe. Sums are accumulated in float32 on the fast path, in several
/// independent accumulators, so results can differ from a sequential loop in the last bits. When the
/// float32 result is not finite (an intermediate overflowed, or an input is not finite) the value is
/// recomputed once in float64, so a finite exact answer is never reported as NaN or infinity.
/// </remarks>
public static class FloatKernels
{
    // Squared norms below 2^-100 may have lost terms to float32 underflow (products below 2^-126
    // are subnormal). The float64 fallback is exact there, and so cosine and norm recompute: the
    // absolute error the fast path can make is at most length · 2^-149, negligible above 2^-100.
    private const float MinFastSquaredNorm = 7.88860905e-31f;

    /// <summary>Returns the squared Euclidean distance <c>Σ (aᵢ − bᵢ)²</c>.</summary>
    /// <param name="a">The first vector.</param>
    /// <param name="b">The second vector, of the same length as <paramref name="a"/>.</param>
    /// <returns>The squared distance; positive infinity when it exceeds the float32 range.</returns>
    /// <exception cref="ArgumentException">The vectors have different lengths.</exception>
    public static float SquaredL2(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length)
        {
            ThrowLengthMismatch(a.Length, b.Length);
        }

        return SquaredL2(ref MemoryMarshal.GetReference(a), ref MemoryMarshal.GetReference(b), a.Length);
    }

    /// <summary>Returns the dot product <c>Σ aᵢ · bᵢ</c>.</summary>
    /// <param name="a">The first vector.</param>
    /// <param name="b">The second vector, of the same length as <paramref name="a"/>.</param>
    /// <returns>The dot product; an infinity only when the exact value exceeds the float32 range.</returns>
    /// <exception cref="ArgumentException">The vectors have different lengths.</exception>
    public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length)
        {
            ThrowLengthMismatch(a.Length, b.Length);
        }

        return Dot(ref MemoryMarshal.GetReference(a), ref MemoryMarshal.GetReference(b), a.Length);
    }

    /// <summary>Returns the cosine similarity <c>a·b / (‖a‖ ‖b‖)</c>, or 0 when either vector has zero norm.</summary>
    /// <param name="a">The first vector.</param>
    /// <param name="b">The second vector, of the same length as <paramref name="a"/>.</param>
    /// <returns>The cosine similarity, finite for every finite input.</returns>
    /// <exception cref="ArgumentException">The vectors have different lengths.</exception>
    public static float CosineSimilarity(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length)
        {
            ThrowLengthMismatch(a.Length, b.Length);
        }

        ref float ra = ref MemoryMarshal.GetReference(a);
        ref float rb = ref MemoryMarshal.GetReference(b);
        nuint length = (nuint)a.Length;
        DotAndSquaredNorms(ref ra, ref rb, length, out float dot, out float normA, out float normB);
        if (normA >= MinFastSquaredNorm && normB >= MinFastSquaredNorm
            && normA <= float.MaxValue && normB <= float.MaxValue && float.IsFinite(dot))
        {
            // Each square root is at most about 1.8e19, so their product cannot overflow.
            return dot / (MathF.Sqrt(normA) * MathF.Sqrt(normB));
        }

        return CosineSimilarityDouble(ref ra, ref rb, length);
    }

    /// <summary>Returns the Euclidean norm <c>√Σ aᵢ²</c> without intermediate overflow or underflow.</summary>
    /// <param name="a">The vector.</param>
    /// <returns>The norm; positive infinity only when it exceeds the float32 range.</returns>
    public static float Norm(ReadOnlySpan<float> a)
    {
        ref float ra = ref MemoryMarshal.GetReference(a);
        nuint length = (nuint)a.Length;
        float squared = DotCore(ref ra, ref ra, length);
        if (squared >= MinFastSquaredNorm && squared <= float.MaxValue)
        {
            return MathF.Sqrt(squared);
        }

        return NormDouble(ref ra, length);
    }

    /// <summary>Squared Euclidean distance over <paramref name="length"/> elements; the caller guarantees both ranges are readable.</summary>
    internal static float SquaredL2(ref float a, ref float b, int length)
    {
        float result = SquaredL2Core(ref a, ref b, (nuint)length);
        return float.IsFinite(result) ? result : SquaredL2Double(ref a, ref b, (nuint)length);
    }

    /// <summary>Dot product over <paramref name="length"/> elements; the caller guarantees both ranges are readable.</summary>
    internal static float Dot(ref float a, ref float b, int length)
    {
        float result = DotCore(ref a, ref b, (nuint)length);
        return float.IsFinite(result) ? result : DotDouble(ref a, ref b, (nuint)length);
    }

    private static float SquaredL2Core(ref float a, ref float b, nuint length)
    {
        if (Vector256.IsHardwareAccelerated && length >= (nuint)Vector256<float>.Count)
        {
            // Four accumulators: an FMA has a latency of about four cycles and two can issue per
            // cycle, so a single chain would leave most of the multiply-add throughput unused.
            Vector256<float> acc0 = Vector256<float>.Zero;
            Vector256<float> acc1 = Vector256<float>.Zero;
            Vector256<float> acc2 = Vector256<float>.Zero;
            Vector256<float> acc3 = Vector256<float>.Zero;
            nuint i = 0;
            if (length >= 32)
            {
                nuint last = length - 32;
                do
                {
                    Vector256<float> d0 = Vector256.LoadUnsafe(ref a, i) - Vector256.LoadUnsafe(ref b, i);
                    Vector256<float> d1 = Vector256.LoadUnsafe(ref a, i + 8) - Vector256.LoadUnsafe(ref b, i + 8);
                    Vector256<float> d2 = Vector256.LoadUnsafe(ref a, i + 16) - Vector256.LoadUnsafe(ref b, i + 16);
                    Vector256<float> d3 = Vector256.LoadUnsafe(ref a, i + 24) - Vector256.LoadUnsafe(ref b, i + 24);
                    acc0 = Vector256.MultiplyAddEstimate(d0, d0, acc0);
                    acc1 = Vector256.MultiplyAddEstimate(d1, d1, acc1);
                    acc2 = Vector256.MultiplyAddEstimate(d2, d2, acc2);
                    acc3 = Vector256.MultiplyAddEstimate(d3, d3, acc3);
                    i += 32;
                }
                while (i <= last);
            }

            if (length - i >= 16)
            {
                Vector256<float> d0 = Vector256.LoadUnsafe(ref a, i) - Vector256.LoadUnsafe(ref b, i);
                Vector256<float> d1 = Vector256.LoadUnsafe(ref a, i + 8) - Vector256.LoadUnsafe(ref b, i + 8);
                acc0 = Vector256.MultiplyAddEstimate(d0, d0, acc0);
                acc1 = Vector256.MultiplyAddEstimate(d1, d1, acc1);
                i += 16;
            }

            if (length - i >= 8)
            {
                Vector256<float> d = Vector256.LoadUnsafe(ref a, i) - Vector256.LoadUnsafe(ref b, i);
                acc2 = Vector256.MultiplyAddEstimate(d, d, acc2);
                i += 8;
            }

            if (i != length)
            {
                // Overlapping last vector: it ends at the last element, and the lanes before i were
                // already summed, so they are masked to zero.
                nuint offset = length - 8;
                Vector256<float> d = Vector256.LoadUnsafe(ref a, offset) - Vector256.LoadUnsafe(ref b, offset);
                d &= RemainderMask256(i - offset);
                acc3 = Vector256.MultiplyAddEstimate(d, d, acc3);
            }

            return Vector256.Sum((acc0 + acc1) + (acc2 + acc3));
        }

        if (Vector128.IsHardwareAccelerated && length >= (nuint)Vector128<float>.Count)
        {
            Vector128<float> acc0 = Vector128<float>.Zero;
            Vector128<float> acc1 = Vector128<float>.Zero;
            Vector128<float> acc2 = Vector128<float>.Zero;
            Vector128<float> acc3 = Vector128<float>.Zero;
            nuint i = 0;
            if (length >= 16)
            {
                nuint last = length - 16;
                do
                {
                    Vector128<float> d0 = Vector128.LoadUnsafe(ref a, i) - Vector128.LoadUnsafe(ref b, i);
                    Vector128<float> d1 = Vector128.LoadUnsafe(ref a, i + 4) - Vector128.LoadUnsafe(ref b, i + 4);
                    Vector128<float> d2 = Vector128.LoadUnsafe(ref a, i + 8) - Vector128.LoadUnsafe(ref b, i + 8);
                    Vector128<float> d3 = Vector128.LoadUnsafe(ref a, i + 12) - Vector128.LoadUnsafe(ref b, i + 12);
                    acc0 = Vector128.MultiplyAddEstimate(d0, d0, acc0);
                    acc1 = Vector128.MultiplyAddEstimate(d1, d1, acc1);
                    acc2 = Vector128.MultiplyAddEstimate(d2, d2, acc2);
                    acc3 = Vector128.MultiplyAddEstimate(d3, d3, acc3);
                    i += 16;
                }
                while (i <= last);
            }

            while (length - i >= 4)
            {
                Vector128<float> d = Vector128.LoadUnsafe(ref a, i) - Vector128.LoadUnsafe(ref b, i);
                acc0 = Vector128.MultiplyAddEstimate(d, d, acc0);
                i += 4;
            }

            if (i != length)
            {
                nuint offset = length - 4;
                Vector128<float> d = Vector128.LoadUnsafe(ref a, offset) - Vector128.LoadUnsafe(ref b, offset);
                d &= RemainderMask128(i - offset);
                acc1 = Vector128.MultiplyAddEstimate(d, d, acc1);
            }

            return Vector128.Sum((acc0 + acc1) + (acc2 + acc3));
        }

        float sum = 0;
        for (nuint i = 0; i < length; i++)
        {
            float d = Unsafe.Add(ref a, i) - Unsafe.Add(ref b, i);
            sum += d * d;
        }

        return sum;
    }

    private static float DotCore(ref float a, ref float b, nuint length)
    {
        if (Vector256.IsHardwareAccelerated && length >= (nuint)Vector256<float>.Count)
        {
            // Four accumulators, for the same latency reason as in SquaredL2Core.
            Vector256<float> acc0 = Vector256<float>.Zero;
            Vector256<float> acc1 = Vector256<float>.Zero;
            Vector256<float> acc2 = Vector256<float>.Zero;
            Vector256<float> acc3 = Vector256<float>.Zero;
            nuint i = 0;
            if (length >= 32)
            {
                nuint last = length - 32;
                do
                {
                    acc0 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref a, i), Vector256.LoadUnsafe(ref b, i), acc0);
                    acc1 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref a, i + 8), Vector256.LoadUnsafe(ref b, i + 8), acc1);
                    acc2 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref a, i + 16), Vector256.LoadUnsafe(ref b, i + 16), acc2);
                    acc3 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref a, i + 24), Vector256.LoadUnsafe(ref b, i + 24), acc3);
                    i += 32;
                }
                while (i <= last);
            }

            if (length - i >= 16)
            {
                acc0 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref a, i), Vector256.LoadUnsafe(ref b, i), acc0);
                acc1 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref a, i + 8), Vector256.LoadUnsafe(ref b, i + 8), acc1);
                i += 16;
            }

            if (length - i >= 8)
            {
                acc2 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref a, i), Vector256.LoadUnsafe(ref b, i), acc2);
                i += 8;
            }

            if (i != length)
            {
                // Masking one operand is enough: a masked lane contributes 0 · b, which is 0 unless b
                // is not finite there, and then the sum is already not finite and gets recomputed.
                nuint offset = length - 8;
                Vector256<float> va = Vector256.LoadUnsafe(ref a, offset) & RemainderMask256(i - offset);
                acc3 = Vector256.MultiplyAddEstimate(va, Vector256.LoadUnsafe(ref b, offset), acc3);
            }

            return Vector256.Sum((acc0 + acc1) + (acc2 + acc3));
        }

        if (Vector128.IsHardwareAccelerated && length >= (nuint)Vector128<float>.Count)
        {
            Vector128<float> acc0 = Vector128<float>.Zero;
            Vector128<float> acc1 = Vector128<float>.Zero;
            Vector128<float> acc2 = Vector128<float>.Zero;
            Vector128<float> acc3 = Vector128<float>.Zero;
            nuint i = 0;
            if (length >= 16)
            {
                nuint last = length - 16;
                do
                {
                    acc0 = Vector128.MultiplyAddEstimate(Vector128.LoadUnsafe(ref a, i), Vector128.LoadUnsafe(ref b, i), acc0);
                    acc1 = Vector128.MultiplyAddEstimate(Vector128.LoadUnsafe(ref a, i + 4), Vector128.LoadUnsafe(ref b, i + 4), acc1);
                    acc2 = Vector128.MultiplyAddEstimate(Vector128.LoadUnsafe(ref a, i + 8), Vector128.LoadUnsafe(ref b, i + 8), acc2);
                    acc3 = Vector128.MultiplyAddEstimate(Vector128.LoadUnsafe(ref a, i + 12), Vector128.LoadUnsafe(ref b, i + 12), acc3);
                    i += 16;
                }
                while (i <= last);
            }

            while (length - i >= 4)
            {
                acc0 = Vector128.MultiplyAddEstimate(Vector128.LoadUnsafe(ref a, i), Vector128.LoadUnsafe(ref b, i), acc0);
                i += 4;
            }

            if (i != length)
            {
                nuint offset = length - 4;
                Vector128<float> va = Vector128.LoadUnsafe(ref a, offset) & RemainderMask128(i - offset);
                acc1 = Vector128.MultiplyAddEstimate(va, Vector128.LoadUnsafe(ref b, offset), acc1);
            }

            return Vector128.Sum((acc0 + acc1) + (acc2 + acc3));
        }

        float sum = 0;
        for (nuint i = 0; i < length; i++)
        {
            sum += Unsafe.Add(ref a, i) * Unsafe.Add(ref b, i);
        }

        return sum;
    }

    private static void DotAndSquaredNorms(ref float a, ref float b, nuint length, out float dot, out float normA, out float normB)
    {
        if (Vector256.IsHardwareAccelerated && length >= (nuint)Vector256<float>.Count)
        {
            // Two vectors per step give six independent multiply-add chains.
            Vector256<float> dot0 = Vector256<float>.Zero;
            Vector256<float> dot1 = Vector256<float>.Zero;
            Vector256<float> normA0 = Vector256<float>.Zero;
            Vector256<float> normA1 = Vector256<float>.Zero;
            Vector256<float> normB0 = Vector256<float>.Zero;
            Vector256<float> normB1 = Vector256<float>.Zero;
            nuint i = 0;
            if (length >= 16)
            {
                nuint last = length - 16;
                do
                {
                    Vector256<float> a0 = Vector256.LoadUnsafe(ref a, i);
                    Vector256<float> b0 = Vector256.LoadUnsafe(ref b, i);
                    Vector256<float> a1 = Vector256.LoadUnsafe(ref a, i + 8);
                    Vector256<float> b1 = Vector256.LoadUnsafe(ref b, i + 8);
                    dot0 = Vector256.MultiplyAddEstimate(a0, b0, dot0);
                    normA0 = Vector256.MultiplyAddEstimate(a0, a0, normA0);
                    normB0 = Vector256.MultiplyAddEstimate(b0, b0, normB0);
                    dot1 = Vector256.MultiplyAddEstimate(a1, b1, dot1);
                    normA1 = Vector256.MultiplyAddEstimate(a1, a1, normA1);
                    normB1 = Vector256.MultiplyAddEstimate(b1, b1, normB1);
                    i += 16;
                }
                while (i <= last);
            }

            if (length - i >= 8)
            {
                Vector256<float> a0 = Vector256.LoadUnsafe(ref a, i);
                Vector256<float> b0 = Vector256.LoadUnsafe(ref b, i);
                dot0 = Vector256.MultiplyAddEstimate(a0, b0, dot0);
                normA0 = Vector256.MultiplyAddEstimate(a0, a0, normA0);
                normB0 = Vector256.MultiplyAddEstimate(b0, b0, normB0);
                i += 8;
            }

            if (i != length)
            {
                nuint offset = length - 8;
                Vector256<float> mask = RemainderMask256(i - offset);
                Vector256<float> a1 = Vector256.LoadUnsafe(ref a, offset) & mask;
                Vector256<float> b1 = Vector256.LoadUnsafe(ref b, offset) & mask;
                dot1 = Vector256.MultiplyAddEstimate(a1, b1, dot1);
                normA1 = Vector256.MultiplyAddEstimate(a1, a1, normA1);
                normB1 = Vector256.MultiplyAddEstimate(b1, b1, normB1);
            }

            dot = Vector256.Sum(dot0 + dot1);
            normA = Vector256.Sum(normA0 + normA1);
            normB = Vector256.Sum(normB0 + normB1);
            return;
        }

        if (Vector128.IsHardwareAccelerated && length >= (nuint)Vector128<float>.Count)
        {
            Vector128<float> dot0 = Vector128<float>.Zero;
            Vector128<float> normA0 = Vector128<float>.Zero;
            Vector128<float> normB0 = Vector128<float>.Zero;
            nuint i = 0;
            nuint last = length - 4;
            do
            {
                Vector128<float> a0 = Vector128.LoadUnsafe(ref a, i);
                Vector128<float> b0 = Vector128.LoadUnsafe(ref b, i);
                dot0 = Vector128.MultiplyAddEstimate(a0, b0, dot0);
                normA0 = Vector128.MultiplyAddEstimate(a0, a0, normA0);
                normB0 = Vector128.MultiplyAddEstimate(b0, b0, normB0);
                i += 4;
            }
            while (i <= last);

            if (i != length)
            {
                Vector128<float> mask = RemainderMask128(i - last);
                Vector128<float> a0 = Vector128.LoadUnsafe(ref a, last) & mask;
                Vector128<float> b0 = Vector128.LoadUnsafe(ref b, last) & mask;
                dot0 = Vector128.MultiplyAddEstimate(a0, b0, dot0);
                normA0 = Vector128.MultiplyAddEstimate(a0, a0, normA0);
                normB0 = Vector128.MultiplyAddEstimate(b0, b0, normB0);
            }

            dot = Vector128.Sum(dot0);
            normA = Vector128.Sum(normA0);
            normB = Vector128.Sum(normB0);
            return;
        }

        float d = 0, na = 0, nb = 0;
        for (nuint i = 0; i < length; i++)
        {
            float x = Unsafe.Add(ref a, i);
            float y = Unsafe.Add(ref b, i);
            d += x * y;
            na += x * x;
            nb += y * y;
        }

        dot = d;
        normA = na;
        normB = nb;
    }

    /// <summary>All-ones in the lanes at or after <paramref name="done"/>, zero in the lanes before it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> RemainderMask256(nuint done) =>
        Vector256.GreaterThanOrEqual(Vector256<int>.Indices, Vector256.Create((int)done)).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> RemainderMask128(nuint done) =>
        Vector128.GreaterThanOrEqual(Vector128<int>.Indices, Vector128.Create((int)done)).AsSingle();

    // The float64 fallbacks: every product of two float32 values is exact in float64 and a sum of
    // up to 2^31 of them stays below 2^278, so nothing overflows before the final conversion.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float SquaredL2Double(ref float a, ref float b, nuint length)
    {
        double sum = 0;
        for (nuint i = 0; i < length; i++)
        {
            double d = (double)Unsafe.Add(ref a, i) - Unsafe.Add(ref b, i);
            sum += d * d;
        }

        return (float)sum;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float DotDouble(ref float a, ref float b, nuint length)
    {
        double sum = 0;
        for (nuint i = 0; i < length; i++)
        {
            sum += (double)Unsafe.Add(ref a, i) * Unsafe.Add(ref b, i);
        }

        return (float)sum;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float CosineSimilarityDouble(ref float a, ref float b, nuint length)
    {
        double dot = 0, normA = 0, normB = 0;
        for (nuint i = 0; i < length; i++)
        {
            double x = Unsafe.Add(ref a, i);
            double y = Unsafe.Add(ref b, i);
            dot += x * y;
            normA += x * x;
            normB += y * y;
        }

        if (normA == 0 || normB == 0)
        {
            return 0;
        }

        return (float)(dot / (Math.Sqrt(normA) * Math.Sqrt(normB)));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float NormDouble(ref float a, nuint length)
    {
        double sum = 0;
        for (nuint i = 0; i < length; i++)
        {
            double x = Unsafe.Add(ref a, i);
            sum += x * x;
        }

        return (float)Math.Sqrt(sum);
    }

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowLengthMismatch(int lengthA, int lengthB) =>
        throw new ArgumentException($"Vectors must have the same length; got {lengthA} and {lengthB}.");
}
