using System.Runtime.Intrinsics;
using Vectron.Index.Kernels;

namespace Vectron.Index.Tests.Kernels;

public sealed class FloatKernelsTests
{
    private const int Seed = 20_250_601;
    private const int MaxLength = 300;

    // Elements around the vector under test hold NaN, so a kernel that reads outside its span gives NaN.
    private const int Padding = 9;

    public static TheoryData<int> HugeLengths => new() { 1, 2, 3, 7, 8, 9, 15, 16, 17, 25, 31, 32, 33, 128, 300, 768, 1000 };

    private delegate float FloatKernel(float[] a, int offsetA, float[] b, int offsetB, int length);

    private delegate (float Dot, float NormA, float NormB) CosineSumsKernel(float[] a, int offsetA, float[] b, int offsetB, int length);

    [Fact]
    public void SquaredL2_MatchesScalarReference_AtEverySupportedWidth_ForEveryLengthUpTo300()
    {
        foreach ((string name, int minLength, FloatKernel kernel) in SquaredL2Kernels())
        {
            for (int length = minLength; length <= MaxLength; length++)
            {
                int seed = Seed + length;
                var random = new Random(seed);
                float[] a = RandomVector(random, length, out int offsetA);
                float[] b = RandomVector(random, length, out int offsetB);

                double expected = ScalarReference.SquaredL2(a.AsSpan(offsetA, length), b.AsSpan(offsetB, length));
                float actual = kernel(a, offsetA, b, offsetB, length);

                AssertWithin(expected, actual, ErrorBound(length) * expected, $"{name}; seed {seed}, length {length}");
            }
        }
    }

    [Fact]
    public void Dot_MatchesScalarReference_AtEverySupportedWidth_ForEveryLengthUpTo300()
    {
        foreach ((string name, int minLength, FloatKernel kernel) in DotKernels())
        {
            for (int length = minLength; length <= MaxLength; length++)
            {
                int seed = Seed + length;
                var random = new Random(seed);
                float[] a = RandomVector(random, length, out int offsetA);
                float[] b = RandomVector(random, length, out int offsetB);
                ReadOnlySpan<float> x = a.AsSpan(offsetA, length);
                ReadOnlySpan<float> y = b.AsSpan(offsetB, length);

                float actual = kernel(a, offsetA, b, offsetB, length);

                // Summation error is bounded relative to Σ|aᵢbᵢ|, not to the (possibly cancelling) result.
                AssertWithin(ScalarReference.Dot(x, y), actual, ErrorBound(length) * AbsoluteProductSum(x, y), $"{name}; seed {seed}, length {length}");
            }
        }
    }

    [Fact]
    public void CosineSums_MatchScalarReference_AtEverySupportedWidth_ForEveryLengthUpTo300()
    {
        foreach ((string name, int minLength, CosineSumsKernel kernel) in CosineSumsKernels())
        {
            for (int length = minLength; length <= MaxLength; length++)
            {
                int seed = Seed + length;
                var random = new Random(seed);
                float[] a = RandomVector(random, length, out int offsetA);
                float[] b = RandomVector(random, length, out int offsetB);
                ReadOnlySpan<float> x = a.AsSpan(offsetA, length);
                ReadOnlySpan<float> y = b.AsSpan(offsetB, length);

                (float dot, float normA, float normB) = kernel(a, offsetA, b, offsetB, length);

                string context = $"{name}; seed {seed}, length {length}";
                AssertWithin(ScalarReference.Dot(x, y), dot, ErrorBound(length) * AbsoluteProductSum(x, y), "dot, " + context);
                double expectedNormA = ScalarReference.Dot(x, x);
                double expectedNormB = ScalarReference.Dot(y, y);
                AssertWithin(expectedNormA, normA, ErrorBound(length) * expectedNormA, "squared norm of a, " + context);
                AssertWithin(expectedNormB, normB, ErrorBound(length) * expectedNormB, "squared norm of b, " + context);
            }
        }
    }

    [Fact]
    public void CosineSimilarity_MatchesScalarReference_ForEveryLengthUpTo300()
    {
        for (int length = 0; length <= MaxLength; length++)
        {
            int seed = Seed + length;
            var random = new Random(seed);
            float[] a = RandomVector(random, length, out int offsetA);
            float[] b = RandomVector(random, length, out int offsetB);
            ReadOnlySpan<float> x = a.AsSpan(offsetA, length);
            ReadOnlySpan<float> y = b.AsSpan(offsetB, length);

            // By Cauchy–Schwarz Σ|aᵢbᵢ| ≤ ‖a‖‖b‖, so the error is bounded in absolute terms.
            AssertWithin(ScalarReference.CosineSimilarity(x, y), FloatKernels.CosineSimilarity(x, y), 2 * ErrorBound(length + 4), $"seed {seed}, length {length}");
        }
    }

    [Fact]
    public void Norm_MatchesScalarReference_ForEveryLengthUpTo300()
    {
        for (int length = 0; length <= MaxLength; length++)
        {
            int seed = Seed + length;
            var random = new Random(seed);
            float[] a = RandomVector(random, length, out int offset);
            ReadOnlySpan<float> x = a.AsSpan(offset, length);

            double expected = Math.Sqrt(ScalarReference.Dot(x, x));
            AssertWithin(expected, FloatKernels.Norm(x), ErrorBound(length) * expected, $"seed {seed}, length {length}");
        }
    }

    [Theory]
    [MemberData(nameof(HugeLengths))]
    public void Dot_ReturnsZero_WhenHugeProductsCancel(int length)
    {
        // Pairs (3e38·3e38) + (3e38·−3e38): every product overflows float, the exact sum is 0 (an
        // unpaired last element is 0).
        float[] a = Filled(length, i => i % 2 == 0 && i == length - 1 ? 0f : 3e38f);
        float[] b = Filled(length, i => i % 2 == 0 ? 3e38f : -3e38f);

        Assert.Equal(0f, FloatKernels.Dot(a, b));
        Assert.Equal(0f, FloatKernels.Dot(ref a[0], ref b[0], length));
    }

    [Fact]
    public void Dot_ReturnsExactValue_WhenPartialSumsOverflowInOneLane()
    {
        // Elements 32 apart meet in the same accumulator lane: three +3e38 there overflow the lane,
        // then three −3e38 bring the exact sum back to 1.
        float[] a = new float[300];
        float[] b = Filled(300, _ => 1f);
        for (int i = 0; i < 3; i++)
        {
            a[i * 32] = 3e38f;
            a[96 + (i * 32)] = -3e38f;
        }

        a[299] = 1f;

        Assert.Equal(1f, FloatKernels.Dot(a, b));
    }

    [Theory]
    [MemberData(nameof(HugeLengths))]
    public void Dot_ReturnsInfinity_WhenExactValueExceedsFloatRange(int length)
    {
        float[] a = Filled(length, _ => 3.4e38f);
        float[] b = Filled(length, _ => 1e10f);
        float[] negative = Filled(length, _ => -1e10f);

        Assert.Equal(float.PositiveInfinity, FloatKernels.Dot(a, b));
        Assert.Equal(float.NegativeInfinity, FloatKernels.Dot(a, negative));
    }

    [Theory]
    [MemberData(nameof(HugeLengths))]
    public void Dot_MatchesScalarReference_ForRandomHugeValues(int length)
    {
        int seed = Seed + length;
        var random = new Random(seed);
        float[] a = Filled(length, _ => ((random.NextSingle() * 2) - 1) * float.MaxValue);
        float[] b = Filled(length, _ => ((random.NextSingle() * 2) - 1) * float.MaxValue);
        double expected = ScalarReference.Dot(a, b);

        float actual = FloatKernels.Dot(a, b);

        // The fallback sums exactly representable float64 products, so it rounds like the reference.
        Assert.True((float)expected == actual, $"expected {(float)expected}, got {actual}; seed {seed}, length {length}");
    }

    [Theory]
    [MemberData(nameof(HugeLengths))]
    public void SquaredL2_ReturnsZero_ForEqualHugeVectors(int length)
    {
        float[] a = Filled(length, i => i % 2 == 0 ? float.MaxValue : -float.MaxValue);

        Assert.Equal(0f, FloatKernels.SquaredL2(a, a));
    }

    [Theory]
    [MemberData(nameof(HugeLengths))]
    public void SquaredL2_ReturnsInfinity_WhenDistanceExceedsFloatRange(int length)
    {
        float[] a = Filled(length, _ => 3e38f);
        float[] b = Filled(length, _ => -3e38f);

        Assert.Equal(float.PositiveInfinity, FloatKernels.SquaredL2(a, b));
        Assert.Equal(float.PositiveInfinity, FloatKernels.SquaredL2(ref a[0], ref b[0], length));
    }

    [Theory]
    [MemberData(nameof(HugeLengths))]
    public void CosineSimilarity_IsExact_ForParallelAndOppositeHugeVectors(int length)
    {
        float[] a = Filled(length, i => i % 3 == 0 ? -3.4e38f : 3e38f);
        float[] opposite = Filled(length, i => -a[i]);

        Assert.Equal(1f, FloatKernels.CosineSimilarity(a, a), 6);
        Assert.Equal(-1f, FloatKernels.CosineSimilarity(a, opposite), 6);
    }

    [Theory]
    [MemberData(nameof(HugeLengths))]
    public void CosineSimilarity_MatchesScalarReference_ForRandomHugeValues(int length)
    {
        int seed = Seed + length;
        var random = new Random(seed);
        float[] a = Filled(length, _ => ((random.NextSingle() * 2) - 1) * float.MaxValue);
        float[] b = Filled(length, _ => ((random.NextSingle() * 2) - 1) * float.MaxValue);

        float actual = FloatKernels.CosineSimilarity(a, b);

        Assert.True(float.IsFinite(actual), $"got {actual}; seed {seed}, length {length}");
        AssertWithin(ScalarReference.CosineSimilarity(a, b), actual, 1e-6, $"seed {seed}, length {length}");
    }

    [Theory]
    [MemberData(nameof(HugeLengths))]
    public void CosineSimilarity_IsExact_ForTinyVectors(int length)
    {
        // Squares of 1e-30 underflow float; the result must not collapse to the zero-norm answer.
        float[] a = Filled(length, _ => 1e-30f);
        float[] b = Filled(length, i => i % 2 == 0 ? 1e-30f : 1e-38f);

        Assert.Equal(1f, FloatKernels.CosineSimilarity(a, a), 6);
        AssertWithin(ScalarReference.CosineSimilarity(a, b), FloatKernels.CosineSimilarity(a, b), 1e-6, $"length {length}");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(8)]
    [InlineData(25)]
    [InlineData(300)]
    public void CosineSimilarity_ReturnsZero_WhenEitherVectorIsZero(int length)
    {
        float[] zero = new float[length];
        float[] ones = Filled(length, _ => 1f);

        Assert.Equal(0f, FloatKernels.CosineSimilarity(zero, ones));
        Assert.Equal(0f, FloatKernels.CosineSimilarity(ones, zero));
        Assert.Equal(0f, FloatKernels.CosineSimilarity(zero, zero));
    }

    [Theory]
    [MemberData(nameof(HugeLengths))]
    public void Norm_DoesNotOverflowOrUnderflow_WhenSquaresWould(int length)
    {
        float[] huge = Filled(length, _ => 1e37f);
        float[] tiny = Filled(length, _ => 1e-30f);

        Assert.Equal((float)Math.Sqrt(ScalarReference.Dot(huge, huge)), FloatKernels.Norm(huge));
        Assert.Equal((float)Math.Sqrt(ScalarReference.Dot(tiny, tiny)), FloatKernels.Norm(tiny));
    }

    [Fact]
    public void Norm_ReturnsInfinity_OnlyWhenNormExceedsFloatRange()
    {
        Assert.Equal(float.PositiveInfinity, FloatKernels.Norm([float.MaxValue, float.MaxValue]));
        Assert.Equal(float.MaxValue, FloatKernels.Norm([float.MaxValue, 0f]));
        Assert.Equal(0f, FloatKernels.Norm([]));
    }

    [Theory]
    [InlineData(1f)]
    [InlineData(1e37f)]
    [InlineData(1e-30f)]
    [InlineData(1e38f)] // components up to 2e38, norm beyond float32: scaled in double
    public void Normalize_GivesUnitLength_AtAnyScale_AndLeavesZeroAlone(float scale)
    {
        float[] vector = Filled(37, i => (i % 5 - 2) * scale);
        FloatKernels.Normalize(vector);
        Assert.Equal(1.0, Math.Sqrt(ScalarReference.Dot(vector, vector)), 5);
        Assert.All(vector, value => Assert.True(float.IsFinite(value)));

        float[] zero = new float[9];
        FloatKernels.Normalize(zero);
        Assert.All(zero, value => Assert.Equal(0f, value));
    }

    [Fact]
    public void Normalize_OfTwoMaxValues_IsTheUnitDiagonal()
    {
        float[] vector = [float.MaxValue, float.MaxValue];
        FloatKernels.Normalize(vector);
        Assert.Equal(MathF.Sqrt(0.5f), vector[0], 6);
        Assert.Equal(MathF.Sqrt(0.5f), vector[1], 6);
    }

    [Fact]
    public void Kernels_PropagateNaN_FromTheirInputs()
    {
        float[] a = Filled(33, _ => 1f);
        float[] b = Filled(33, _ => 1f);
        b[17] = float.NaN;

        Assert.True(float.IsNaN(FloatKernels.SquaredL2(a, b)));
        Assert.True(float.IsNaN(FloatKernels.Dot(a, b)));
        Assert.True(float.IsNaN(FloatKernels.CosineSimilarity(a, b)));
        Assert.True(float.IsNaN(FloatKernels.Norm(b)));
    }

    [Fact]
    public void Kernels_Throw_WhenLengthsDiffer()
    {
        Assert.Throws<ArgumentException>(() => FloatKernels.SquaredL2(new float[8], new float[9]));
        Assert.Throws<ArgumentException>(() => FloatKernels.Dot(new float[3], Array.Empty<float>()));
        Assert.Throws<ArgumentException>(() => FloatKernels.CosineSimilarity(new float[128], new float[127]));
    }

    /// <summary>
    /// A bound on float32 summation error relative to Σ of absolute terms: γₙ = n·u/(1 − n·u) with
    /// u = 2⁻²⁴, loosened to n·2⁻²³ plus a few roundings for the subtraction and the final reductions.
    /// </summary>
    private static double ErrorBound(int length) => (length + 4) * Math.ScaleB(1, -23);

    // The public entry points and every width-specific implementation this machine can run, each
    // with the shortest input it accepts.
    private static IEnumerable<(string Name, int MinLength, FloatKernel Kernel)> SquaredL2Kernels()
    {
        yield return ("span API", 0, (a, oa, b, ob, n) => FloatKernels.SquaredL2(a.AsSpan(oa, n), b.AsSpan(ob, n)));
        yield return ("ref API", 0, (a, oa, b, ob, n) => FloatKernels.SquaredL2(ref a[oa], ref b[ob], n));
        if (Vector512.IsHardwareAccelerated)
        {
            yield return ("Vector512", 16, (a, oa, b, ob, n) => FloatKernels.SquaredL2Vector512(ref a[oa], ref b[ob], (nuint)n));
        }

        if (Vector256.IsHardwareAccelerated)
        {
            yield return ("Vector256", 8, (a, oa, b, ob, n) => FloatKernels.SquaredL2Vector256(ref a[oa], ref b[ob], (nuint)n));
        }

        if (Vector128.IsHardwareAccelerated)
        {
            yield return ("Vector128", 4, (a, oa, b, ob, n) => FloatKernels.SquaredL2Vector128(ref a[oa], ref b[ob], (nuint)n));
        }

        yield return ("scalar", 0, (a, oa, b, ob, n) => FloatKernels.SquaredL2Scalar(ref a[oa], ref b[ob], (nuint)n));
    }

    private static IEnumerable<(string Name, int MinLength, FloatKernel Kernel)> DotKernels()
    {
        yield return ("span API", 0, (a, oa, b, ob, n) => FloatKernels.Dot(a.AsSpan(oa, n), b.AsSpan(ob, n)));
        yield return ("ref API", 0, (a, oa, b, ob, n) => FloatKernels.Dot(ref a[oa], ref b[ob], n));
        if (Vector512.IsHardwareAccelerated)
        {
            yield return ("Vector512", 16, (a, oa, b, ob, n) => FloatKernels.DotVector512(ref a[oa], ref b[ob], (nuint)n));
        }

        if (Vector256.IsHardwareAccelerated)
        {
            yield return ("Vector256", 8, (a, oa, b, ob, n) => FloatKernels.DotVector256(ref a[oa], ref b[ob], (nuint)n));
        }

        if (Vector128.IsHardwareAccelerated)
        {
            yield return ("Vector128", 4, (a, oa, b, ob, n) => FloatKernels.DotVector128(ref a[oa], ref b[ob], (nuint)n));
        }

        yield return ("scalar", 0, (a, oa, b, ob, n) => FloatKernels.DotScalar(ref a[oa], ref b[ob], (nuint)n));
    }

    private static IEnumerable<(string Name, int MinLength, CosineSumsKernel Kernel)> CosineSumsKernels()
    {
        if (Vector512.IsHardwareAccelerated)
        {
            yield return ("Vector512", 16, (a, oa, b, ob, n) =>
            {
                FloatKernels.DotAndSquaredNormsVector512(ref a[oa], ref b[ob], (nuint)n, out float dot, out float normA, out float normB);
                return (dot, normA, normB);
            });
        }

        if (Vector256.IsHardwareAccelerated)
        {
            yield return ("Vector256", 8, (a, oa, b, ob, n) =>
            {
                FloatKernels.DotAndSquaredNormsVector256(ref a[oa], ref b[ob], (nuint)n, out float dot, out float normA, out float normB);
                return (dot, normA, normB);
            });
        }

        if (Vector128.IsHardwareAccelerated)
        {
            yield return ("Vector128", 4, (a, oa, b, ob, n) =>
            {
                FloatKernels.DotAndSquaredNormsVector128(ref a[oa], ref b[ob], (nuint)n, out float dot, out float normA, out float normB);
                return (dot, normA, normB);
            });
        }

        yield return ("scalar", 0, (a, oa, b, ob, n) =>
        {
            FloatKernels.DotAndSquaredNormsScalar(ref a[oa], ref b[ob], (nuint)n, out float dot, out float normA, out float normB);
            return (dot, normA, normB);
        });
    }

    private static double AbsoluteProductSum(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            sum += Math.Abs((double)a[i] * b[i]);
        }

        return sum;
    }

    private static float[] RandomVector(Random random, int length, out int offset)
    {
        offset = 1 + random.Next(Padding - 1);
        float[] array = new float[length + (2 * Padding)];
        array.AsSpan().Fill(float.NaN);
        for (int i = 0; i < length; i++)
        {
            array[offset + i] = (random.NextSingle() * 2) - 1;
        }

        return array;
    }

    private static float[] Filled(int length, Func<int, float> value)
    {
        float[] array = new float[length];
        for (int i = 0; i < length; i++)
        {
            array[i] = value(i);
        }

        return array;
    }

    private static void AssertWithin(double expected, float actual, double tolerance, string context)
    {
        double error = Math.Abs(actual - expected);
        Assert.True(
            error <= tolerance,
            $"expected {expected:R}, got {actual:R} (error {error:E3} > tolerance {tolerance:E3}); {context}");
    }
}
