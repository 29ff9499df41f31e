using System.Diagnostics;
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
/// Stateless and thread-safe. The fast path sums in float32, in several independent accumulators, so
/// results can differ from a sequential loop in the last bits. When its result is not finite (an
/// intermediate overflowed, or an input is not finite) the value is recomputed once in float64, so a
/// finite exact answer is never reported as NaN or infinity.
/// </remarks>
public static class FloatKernels
{
    // Below 2^-100 a squared norm may have lost a visible share to float32 underflow (a result in
    // the subnormal range is off by up to 2^-150), so cosine and norm recompute it in float64. Above
    // it the underflow error is at most length · 2^-150: under 2^-34 of the sum up to 65,536 elements.
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
            // Each square root is below 2^64, so their product cannot overflow.
            return dot / (MathF.Sqrt(normA) * MathF.Sqrt(normB));
        }

        return CosineSimilarityDouble(ref ra, ref rb, length);
    }

    /// <summary>
    /// Scales <paramref name="vector"/> to unit length in place; a zero vector is left as it is. A finite vector whose
    /// norm exceeds the float32 range is scaled in double precision, so it is normalised too.
    /// </summary>
    /// <param name="vector">The vector.</param>
    public static void Normalize(Span<float> vector)
    {
        float norm = Norm(vector);
        if (norm > 0 && float.IsFinite(norm))
        {
            float inverse = 1 / norm;
            for (int i = 0; i < vector.Length; i++)
            {
                vector[i] *= inverse;
            }
        }
        else if (float.IsPositiveInfinity(norm))
        {
            // Finite components, norm beyond float32 (at most √n · 3.4e38, well inside double).
            double wide = NormDouble(ref MemoryMarshal.GetReference(vector), (nuint)vector.Length);
            if (double.IsFinite(wide))
            {
                for (int i = 0; i < vector.Length; i++)
                {
                    vector[i] = (float)(vector[i] / wide);
                }
            }
        }
    }

    /// <summary>Returns the Euclidean norm <c>√Σ aᵢ²</c> without intermediate overflow or underflow.</summary>
    /// <param name="a">The vector.</param>
    /// <returns>The norm; positive infinity only when it exceeds the float32 range.</returns>
    public static float Norm(ReadOnlySpan<float> a)
    {
        ref float ra = ref MemoryMarshal.GetReference(a);
        float squared = DotCore(ref ra, ref ra, (nuint)a.Length);
        if (squared >= MinFastSquaredNorm && squared <= float.MaxValue)
        {
            return MathF.Sqrt(squared);
        }

        return (float)NormDouble(ref ra, (nuint)a.Length);
    }

    /// <summary>Squared Euclidean distance over <paramref name="length"/> elements; the caller guarantees both ranges are readable.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static float SquaredL2(ref float a, ref float b, int length)
    {
        float result = SquaredL2Core(ref a, ref b, (nuint)length);
        return float.IsFinite(result) ? result : SquaredL2Double(ref a, ref b, (nuint)length);
    }

    /// <summary>Dot product over <paramref name="length"/> elements; the caller guarantees both ranges are readable.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static float Dot(ref float a, ref float b, int length)
    {
        float result = DotCore(ref a, ref b, (nuint)length);
        return float.IsFinite(result) ? result : DotDouble(ref a, ref b, (nuint)length);
    }

    // Dispatch by width. Vector512 comes first where the JIT accelerates it (it does not on CPUs that
    // slow down for 512-bit work); on AVX2-only machines that branch folds away at JIT time, and the
    // chosen width is inlined into the caller.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float SquaredL2Core(ref float a, ref float b, nuint length)
    {
        if (Vector512.IsHardwareAccelerated && length >= (nuint)Vector512<float>.Count)
        {
            return SquaredL2Vector512(ref a, ref b, length);
        }

        if (Vector256.IsHardwareAccelerated && length >= (nuint)Vector256<float>.Count)
        {
            return SquaredL2Vector256(ref a, ref b, length);
        }

        if (Vector128.IsHardwareAccelerated && length >= (nuint)Vector128<float>.Count)
        {
            return SquaredL2Vector128(ref a, ref b, length);
        }

        return SquaredL2Scalar(ref a, ref b, length);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float DotCore(ref float a, ref float b, nuint length)
    {
        if (Vector512.IsHardwareAccelerated && length >= (nuint)Vector512<float>.Count)
        {
            return DotVector512(ref a, ref b, length);
        }

        if (Vector256.IsHardwareAccelerated && length >= (nuint)Vector256<float>.Count)
        {
            return DotVector256(ref a, ref b, length);
        }

        if (Vector128.IsHardwareAccelerated && length >= (nuint)Vector128<float>.Count)
        {
            return DotVector128(ref a, ref b, length);
        }

        return DotScalar(ref a, ref b, length);
    }

    private static void DotAndSquaredNorms(ref float a, ref float b, nuint length, out float dot, out float normA, out float normB)
    {
        if (Vector512.IsHardwareAccelerated && length >= (nuint)Vector512<float>.Count)
        {
            DotAndSquaredNormsVector512(ref a, ref b, length, out dot, out normA, out normB);
        }
        else if (Vector256.IsHardwareAccelerated && length >= (nuint)Vector256<float>.Count)
        {
            DotAndSquaredNormsVector256(ref a, ref b, length, out dot, out normA, out normB);
        }
        else if (Vector128.IsHardwareAccelerated && length >= (nuint)Vector128<float>.Count)
        {
            DotAndSquaredNormsVector128(ref a, ref b, length, out dot, out normA, out normB);
        }
        else
        {
            DotAndSquaredNormsScalar(ref a, ref b, length, out dot, out normA, out normB);
        }
    }

    // One implementation per vector width, each for lengths of at least one vector; internal so the
    // tests can check every width the machine supports, not only the one dispatch picks. Each keeps
    // four accumulators: a multiply-add has a latency of about four cycles and two can start per
    // cycle, so one accumulator would leave most of the throughput unused. The remainder is one
    // overlapping vector that ends at the last element, with the lanes already summed masked to zero.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float SquaredL2Vector512(ref float a, ref float b, nuint length)
    {
        Debug.Assert(length >= (nuint)Vector512<float>.Count);
        Vector512<float> acc0 = Vector512<float>.Zero, acc1 = acc0, acc2 = acc0, acc3 = acc0;
        nuint i = 0;
        for (nuint end = length & ~(nuint)63; i < end; i += 64)
        {
            acc0 = AddSquaredDifference(acc0, Vector512.LoadUnsafe(ref a, i), Vector512.LoadUnsafe(ref b, i));
            acc1 = AddSquaredDifference(acc1, Vector512.LoadUnsafe(ref a, i + 16), Vector512.LoadUnsafe(ref b, i + 16));
            acc2 = AddSquaredDifference(acc2, Vector512.LoadUnsafe(ref a, i + 32), Vector512.LoadUnsafe(ref b, i + 32));
            acc3 = AddSquaredDifference(acc3, Vector512.LoadUnsafe(ref a, i + 48), Vector512.LoadUnsafe(ref b, i + 48));
        }

        for (nuint end = length & ~(nuint)15; i < end; i += 16)
        {
            acc0 = AddSquaredDifference(acc0, Vector512.LoadUnsafe(ref a, i), Vector512.LoadUnsafe(ref b, i));
        }

        if (i != length)
        {
            nuint last = length - 16;
            Vector512<float> mask = RemainderMask512(i - last);
            acc1 = AddSquaredDifference(acc1, Vector512.LoadUnsafe(ref a, last) & mask, Vector512.LoadUnsafe(ref b, last) & mask);
        }

        return Sum((acc0 + acc1) + (acc2 + acc3));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float SquaredL2Vector256(ref float a, ref float b, nuint length)
    {
        Debug.Assert(length >= (nuint)Vector256<float>.Count);
        Vector256<float> acc0 = Vector256<float>.Zero, acc1 = acc0, acc2 = acc0, acc3 = acc0;
        nuint i = 0;
        for (nuint end = length & ~(nuint)31; i < end; i += 32)
        {
            acc0 = AddSquaredDifference(acc0, Vector256.LoadUnsafe(ref a, i), Vector256.LoadUnsafe(ref b, i));
            acc1 = AddSquaredDifference(acc1, Vector256.LoadUnsafe(ref a, i + 8), Vector256.LoadUnsafe(ref b, i + 8));
            acc2 = AddSquaredDifference(acc2, Vector256.LoadUnsafe(ref a, i + 16), Vector256.LoadUnsafe(ref b, i + 16));
            acc3 = AddSquaredDifference(acc3, Vector256.LoadUnsafe(ref a, i + 24), Vector256.LoadUnsafe(ref b, i + 24));
        }

        for (nuint end = length & ~(nuint)7; i < end; i += 8)
        {
            acc0 = AddSquaredDifference(acc0, Vector256.LoadUnsafe(ref a, i), Vector256.LoadUnsafe(ref b, i));
        }

        if (i != length)
        {
            nuint last = length - 8;
            Vector256<float> mask = RemainderMask256(i - last);
            acc1 = AddSquaredDifference(acc1, Vector256.LoadUnsafe(ref a, last) & mask, Vector256.LoadUnsafe(ref b, last) & mask);
        }

        return Sum((acc0 + acc1) + (acc2 + acc3));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float SquaredL2Vector128(ref float a, ref float b, nuint length)
    {
        Debug.Assert(length >= (nuint)Vector128<float>.Count);
        Vector128<float> acc0 = Vector128<float>.Zero, acc1 = acc0, acc2 = acc0, acc3 = acc0;
        nuint i = 0;
        for (nuint end = length & ~(nuint)15; i < end; i += 16)
        {
            acc0 = AddSquaredDifference(acc0, Vector128.LoadUnsafe(ref a, i), Vector128.LoadUnsafe(ref b, i));
            acc1 = AddSquaredDifference(acc1, Vector128.LoadUnsafe(ref a, i + 4), Vector128.LoadUnsafe(ref b, i + 4));
            acc2 = AddSquaredDifference(acc2, Vector128.LoadUnsafe(ref a, i + 8), Vector128.LoadUnsafe(ref b, i + 8));
            acc3 = AddSquaredDifference(acc3, Vector128.LoadUnsafe(ref a, i + 12), Vector128.LoadUnsafe(ref b, i + 12));
        }

        for (nuint end = length & ~(nuint)3; i < end; i += 4)
        {
            acc0 = AddSquaredDifference(acc0, Vector128.LoadUnsafe(ref a, i), Vector128.LoadUnsafe(ref b, i));
        }

        if (i != length)
        {
            nuint last = length - 4;
            Vector128<float> mask = RemainderMask128(i - last);
            acc1 = AddSquaredDifference(acc1, Vector128.LoadUnsafe(ref a, last) & mask, Vector128.LoadUnsafe(ref b, last) & mask);
        }

        return Sum((acc0 + acc1) + (acc2 + acc3));
    }

    internal static float SquaredL2Scalar(ref float a, ref float b, nuint length)
    {
        float sum = 0;
        for (nuint i = 0; i < length; i++)
        {
            float d = Unsafe.Add(ref a, i) - Unsafe.Add(ref b, i);
            sum += d * d;
        }

        return sum;
    }

    // In the remainder only a is masked: a masked lane adds 0 · b, which is 0 unless b is not finite
    // there, and then the sum is already not finite and gets recomputed in float64.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float DotVector512(ref float a, ref float b, nuint length)
    {
        Debug.Assert(length >= (nuint)Vector512<float>.Count);
        Vector512<float> acc0 = Vector512<float>.Zero, acc1 = acc0, acc2 = acc0, acc3 = acc0;
        nuint i = 0;
        for (nuint end = length & ~(nuint)63; i < end; i += 64)
        {
            acc0 = Vector512.MultiplyAddEstimate(Vector512.LoadUnsafe(ref a, i), Vector512.LoadUnsafe(ref b, i), acc0);
            acc1 = Vector512.MultiplyAddEstimate(Vector512.LoadUnsafe(ref a, i + 16), Vector512.LoadUnsafe(ref b, i + 16), acc1);
            acc2 = Vector512.MultiplyAddEstimate(Vector512.LoadUnsafe(ref a, i + 32), Vector512.LoadUnsafe(ref b, i + 32), acc2);
            acc3 = Vector512.MultiplyAddEstimate(Vector512.LoadUnsafe(ref a, i + 48), Vector512.LoadUnsafe(ref b, i + 48), acc3);
        }

        for (nuint end = length & ~(nuint)15; i < end; i += 16)
        {
            acc0 = Vector512.MultiplyAddEstimate(Vector512.LoadUnsafe(ref a, i), Vector512.LoadUnsafe(ref b, i), acc0);
        }

        if (i != length)
        {
            nuint last = length - 16;
            Vector512<float> maskedA = Vector512.LoadUnsafe(ref a, last) & RemainderMask512(i - last);
            acc1 = Vector512.MultiplyAddEstimate(maskedA, Vector512.LoadUnsafe(ref b, last), acc1);
        }

        return Sum((acc0 + acc1) + (acc2 + acc3));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float DotVector256(ref float a, ref float b, nuint length)
    {
        Debug.Assert(length >= (nuint)Vector256<float>.Count);
        Vector256<float> acc0 = Vector256<float>.Zero, acc1 = acc0, acc2 = acc0, acc3 = acc0;
        nuint i = 0;
        for (nuint end = length & ~(nuint)31; i < end; i += 32)
        {
            acc0 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref a, i), Vector256.LoadUnsafe(ref b, i), acc0);
            acc1 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref a, i + 8), Vector256.LoadUnsafe(ref b, i + 8), acc1);
            acc2 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref a, i + 16), Vector256.LoadUnsafe(ref b, i + 16), acc2);
            acc3 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref a, i + 24), Vector256.LoadUnsafe(ref b, i + 24), acc3);
        }

        for (nuint end = length & ~(nuint)7; i < end; i += 8)
        {
            acc0 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref a, i), Vector256.LoadUnsafe(ref b, i), acc0);
        }

        if (i != length)
        {
            nuint last = length - 8;
            Vector256<float> maskedA = Vector256.LoadUnsafe(ref a, last) & RemainderMask256(i - last);
            acc1 = Vector256.MultiplyAddEstimate(maskedA, Vector256.LoadUnsafe(ref b, last), acc1);
        }

        return Sum((acc0 + acc1) + (acc2 + acc3));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float DotVector128(ref float a, ref float b, nuint length)
    {
        Debug.Assert(length >= (nuint)Vector128<float>.Count);
        Vector128<float> acc0 = Vector128<float>.Zero, acc1 = acc0, acc2 = acc0, acc3 = acc0;
        nuint i = 0;
        for (nuint end = length & ~(nuint)15; i < end; i += 16)
        {
            acc0 = Vector128.MultiplyAddEstimate(Vector128.LoadUnsafe(ref a, i), Vector128.LoadUnsafe(ref b, i), acc0);
            acc1 = Vector128.MultiplyAddEstimate(Vector128.LoadUnsafe(ref a, i + 4), Vector128.LoadUnsafe(ref b, i + 4), acc1);
            acc2 = Vector128.MultiplyAddEstimate(Vector128.LoadUnsafe(ref a, i + 8), Vector128.LoadUnsafe(ref b, i + 8), acc2);
            acc3 = Vector128.MultiplyAddEstimate(Vector128.LoadUnsafe(ref a, i + 12), Vector128.LoadUnsafe(ref b, i + 12), acc3);
        }

        for (nuint end = length & ~(nuint)3; i < end; i += 4)
        {
            acc0 = Vector128.MultiplyAddEstimate(Vector128.LoadUnsafe(ref a, i), Vector128.LoadUnsafe(ref b, i), acc0);
        }

        if (i != length)
        {
            nuint last = length - 4;
            Vector128<float> maskedA = Vector128.LoadUnsafe(ref a, last) & RemainderMask128(i - last);
            acc1 = Vector128.MultiplyAddEstimate(maskedA, Vector128.LoadUnsafe(ref b, last), acc1);
        }

        return Sum((acc0 + acc1) + (acc2 + acc3));
    }

    internal static float DotScalar(ref float a, ref float b, nuint length)
    {
        float sum = 0;
        for (nuint i = 0; i < length; i++)
        {
            sum += Unsafe.Add(ref a, i) * Unsafe.Add(ref b, i);
        }

        return sum;
    }

    // Cosine needs three sums per element, so one vector per step already gives three independent
    // multiply-add chains; two vectors per step give six.
    internal static void DotAndSquaredNormsVector512(ref float a, ref float b, nuint length, out float dot, out float normA, out float normB)
    {
        Debug.Assert(length >= (nuint)Vector512<float>.Count);
        Vector512<float> dot0 = Vector512<float>.Zero, dot1 = dot0, normA0 = dot0, normA1 = dot0, normB0 = dot0, normB1 = dot0;
        nuint i = 0;
        for (nuint end = length & ~(nuint)31; i < end; i += 32)
        {
            Vector512<float> a0 = Vector512.LoadUnsafe(ref a, i), b0 = Vector512.LoadUnsafe(ref b, i);
            Vector512<float> a1 = Vector512.LoadUnsafe(ref a, i + 16), b1 = Vector512.LoadUnsafe(ref b, i + 16);
            dot0 = Vector512.MultiplyAddEstimate(a0, b0, dot0);
            normA0 = Vector512.MultiplyAddEstimate(a0, a0, normA0);
            normB0 = Vector512.MultiplyAddEstimate(b0, b0, normB0);
            dot1 = Vector512.MultiplyAddEstimate(a1, b1, dot1);
            normA1 = Vector512.MultiplyAddEstimate(a1, a1, normA1);
            normB1 = Vector512.MultiplyAddEstimate(b1, b1, normB1);
        }

        if (length - i >= 16)
        {
            Vector512<float> a0 = Vector512.LoadUnsafe(ref a, i), b0 = Vector512.LoadUnsafe(ref b, i);
            dot0 = Vector512.MultiplyAddEstimate(a0, b0, dot0);
            normA0 = Vector512.MultiplyAddEstimate(a0, a0, normA0);
            normB0 = Vector512.MultiplyAddEstimate(b0, b0, normB0);
            i += 16;
        }

        if (i != length)
        {
            nuint last = length - 16;
            Vector512<float> mask = RemainderMask512(i - last);
            Vector512<float> a1 = Vector512.LoadUnsafe(ref a, last) & mask, b1 = Vector512.LoadUnsafe(ref b, last) & mask;
            dot1 = Vector512.MultiplyAddEstimate(a1, b1, dot1);
            normA1 = Vector512.MultiplyAddEstimate(a1, a1, normA1);
            normB1 = Vector512.MultiplyAddEstimate(b1, b1, normB1);
        }

        dot = Sum(dot0 + dot1);
        normA = Sum(normA0 + normA1);
        normB = Sum(normB0 + normB1);
    }

    internal static void DotAndSquaredNormsVector256(ref float a, ref float b, nuint length, out float dot, out float normA, out float normB)
    {
        Debug.Assert(length >= (nuint)Vector256<float>.Count);
        Vector256<float> dot0 = Vector256<float>.Zero, dot1 = dot0, normA0 = dot0, normA1 = dot0, normB0 = dot0, normB1 = dot0;
        nuint i = 0;
        for (nuint end = length & ~(nuint)15; i < end; i += 16)
        {
            Vector256<float> a0 = Vector256.LoadUnsafe(ref a, i), b0 = Vector256.LoadUnsafe(ref b, i);
            Vector256<float> a1 = Vector256.LoadUnsafe(ref a, i + 8), b1 = Vector256.LoadUnsafe(ref b, i + 8);
            dot0 = Vector256.MultiplyAddEstimate(a0, b0, dot0);
            normA0 = Vector256.MultiplyAddEstimate(a0, a0, normA0);
            normB0 = Vector256.MultiplyAddEstimate(b0, b0, normB0);
            dot1 = Vector256.MultiplyAddEstimate(a1, b1, dot1);
            normA1 = Vector256.MultiplyAddEstimate(a1, a1, normA1);
            normB1 = Vector256.MultiplyAddEstimate(b1, b1, normB1);
        }

        if (length - i >= 8)
        {
            Vector256<float> a0 = Vector256.LoadUnsafe(ref a, i), b0 = Vector256.LoadUnsafe(ref b, i);
            dot0 = Vector256.MultiplyAddEstimate(a0, b0, dot0);
            normA0 = Vector256.MultiplyAddEstimate(a0, a0, normA0);
            normB0 = Vector256.MultiplyAddEstimate(b0, b0, normB0);
            i += 8;
        }

        if (i != length)
        {
            nuint last = length - 8;
            Vector256<float> mask = RemainderMask256(i - last);
            Vector256<float> a1 = Vector256.LoadUnsafe(ref a, last) & mask, b1 = Vector256.LoadUnsafe(ref b, last) & mask;
            dot1 = Vector256.MultiplyAddEstimate(a1, b1, dot1);
            normA1 = Vector256.MultiplyAddEstimate(a1, a1, normA1);
            normB1 = Vector256.MultiplyAddEstimate(b1, b1, normB1);
        }

        dot = Sum(dot0 + dot1);
        normA = Sum(normA0 + normA1);
        normB = Sum(normB0 + normB1);
    }

    internal static void DotAndSquaredNormsVector128(ref float a, ref float b, nuint length, out float dot, out float normA, out float normB)
    {
        Debug.Assert(length >= (nuint)Vector128<float>.Count);
        Vector128<float> dot0 = Vector128<float>.Zero, normA0 = dot0, normB0 = dot0;
        nuint i = 0;
        for (nuint end = length & ~(nuint)3; i < end; i += 4)
        {
            Vector128<float> a0 = Vector128.LoadUnsafe(ref a, i), b0 = Vector128.LoadUnsafe(ref b, i);
            dot0 = Vector128.MultiplyAddEstimate(a0, b0, dot0);
            normA0 = Vector128.MultiplyAddEstimate(a0, a0, normA0);
            normB0 = Vector128.MultiplyAddEstimate(b0, b0, normB0);
        }

        if (i != length)
        {
            nuint last = length - 4;
            Vector128<float> mask = RemainderMask128(i - last);
            Vector128<float> a0 = Vector128.LoadUnsafe(ref a, last) & mask, b0 = Vector128.LoadUnsafe(ref b, last) & mask;
            dot0 = Vector128.MultiplyAddEstimate(a0, b0, dot0);
            normA0 = Vector128.MultiplyAddEstimate(a0, a0, normA0);
            normB0 = Vector128.MultiplyAddEstimate(b0, b0, normB0);
        }

        dot = Sum(dot0);
        normA = Sum(normA0);
        normB = Sum(normB0);
    }

    internal static void DotAndSquaredNormsScalar(ref float a, ref float b, nuint length, out float dot, out float normA, out float normB)
    {
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

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> AddSquaredDifference(Vector512<float> accumulator, Vector512<float> a, Vector512<float> b)
    {
        Vector512<float> difference = a - b;
        return Vector512.MultiplyAddEstimate(difference, difference, accumulator);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> AddSquaredDifference(Vector256<float> accumulator, Vector256<float> a, Vector256<float> b)
    {
        Vector256<float> difference = a - b;
        return Vector256.MultiplyAddEstimate(difference, difference, accumulator);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> AddSquaredDifference(Vector128<float> accumulator, Vector128<float> a, Vector128<float> b)
    {
        Vector128<float> difference = a - b;
        return Vector128.MultiplyAddEstimate(difference, difference, accumulator);
    }

    // Halving reductions: Vector512.Sum and Vector256.Sum reduce each 128-bit quarter on its own,
    // which is about twice the instructions on the path every call ends with.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Sum(Vector512<float> vector) => Sum(vector.GetLower() + vector.GetUpper());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Sum(Vector256<float> vector) => Sum(vector.GetLower() + vector.GetUpper());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Sum(Vector128<float> vector) => Vector128.Sum(vector);

    /// <summary>All-ones in the lanes at or after <paramref name="done"/>, zero in the lanes before it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> RemainderMask512(nuint done) =>
        Vector512.GreaterThanOrEqual(Vector512<int>.Indices, Vector512.Create((int)done)).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> RemainderMask256(nuint done) =>
        Vector256.GreaterThanOrEqual(Vector256<int>.Indices, Vector256.Create((int)done)).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> RemainderMask128(nuint done) =>
        Vector128.GreaterThanOrEqual(Vector128<int>.Indices, Vector128.Create((int)done)).AsSingle();

    // The float64 fallbacks: a product of two float32 values is exact in float64, and a sum of up to
    // 2^31 of them stays below 2^288, so nothing overflows before the final conversion.
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
    private static double NormDouble(ref float a, nuint length)
    {
        double sum = 0;
        for (nuint i = 0; i < length; i++)
        {
            double x = Unsafe.Add(ref a, i);
            sum += x * x;
        }

        return Math.Sqrt(sum);
    }

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowLengthMismatch(int lengthA, int lengthB) =>
        throw new ArgumentException($"Vectors must have the same length; got {lengthA} and {lengthB}.");
}
