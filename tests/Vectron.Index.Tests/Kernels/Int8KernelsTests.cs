using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Vectron.Index.Kernels;

namespace Vectron.Index.Tests.Kernels;

public sealed class Int8KernelsTests
{
    private const int Seed = 20_250_602;
    private const int MaxLength = 300;

    // Elements around the vector under test hold extreme values, so reading outside the span shows.
    private const int Padding = 17;

    public static TheoryData<int> ExtremeLengths => new() { 1, 15, 16, 17, 31, 32, 33, 47, 255, 1000, 4096, 33_025, 65_535, 65_536 };

    private static readonly (sbyte X, sbyte Y)[] ExtremePairs =
    [
        (sbyte.MinValue, sbyte.MinValue),
        (sbyte.MinValue, sbyte.MaxValue),
        (sbyte.MaxValue, sbyte.MinValue),
        (sbyte.MaxValue, sbyte.MaxValue),
        (-sbyte.MaxValue, sbyte.MaxValue),
        (sbyte.MinValue, 0),
    ];

    private delegate long Int8Kernel(sbyte[] a, int offsetA, sbyte[] b, int offsetB, int length);

    [Fact]
    public void Dot_MatchesScalarReference_AtEverySupportedWidth_ForEveryLengthUpTo300()
    {
        foreach ((string name, int minLength, bool saturates, Int8Kernel kernel) in DotKernels())
        {
            for (int length = minLength; length <= MaxLength; length++)
            {
                int seed = Seed + length;
                var random = new Random(seed);
                sbyte[] a = RandomVector(random, length, out int offsetA);
                sbyte[] b = RandomVector(random, length, out int offsetB);

                long expected = Expected(ScalarReference.Int8Dot(a.AsSpan(offsetA, length), b.AsSpan(offsetB, length)), saturates);
                long actual = kernel(a, offsetA, b, offsetB, length);

                Assert.True(expected == actual, $"{name}: expected {expected}, got {actual}; seed {seed}, length {length}");
            }
        }
    }

    [Fact]
    public void SquaredL2_MatchesScalarReference_AtEverySupportedWidth_ForEveryLengthUpTo300()
    {
        foreach ((string name, int minLength, bool saturates, Int8Kernel kernel) in SquaredL2Kernels())
        {
            for (int length = minLength; length <= MaxLength; length++)
            {
                int seed = Seed + length;
                var random = new Random(seed);
                sbyte[] a = RandomVector(random, length, out int offsetA);
                sbyte[] b = RandomVector(random, length, out int offsetB);

                long expected = Expected(ScalarReference.Int8SquaredL2(a.AsSpan(offsetA, length), b.AsSpan(offsetB, length)), saturates);
                long actual = kernel(a, offsetA, b, offsetB, length);

                Assert.True(expected == actual, $"{name}: expected {expected}, got {actual}; seed {seed}, length {length}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(ExtremeLengths))]
    public void Dot_IsExact_ForExtremeValues_AtEverySupportedWidth(int length)
    {
        foreach ((string name, int minLength, bool saturates, Int8Kernel kernel) in DotKernels())
        {
            if (length < minLength)
            {
                continue;
            }

            foreach ((sbyte x, sbyte y) in ExtremePairs)
            {
                sbyte[] a = Filled(length, x);
                sbyte[] b = Filled(length, y);

                long expected = Expected(ScalarReference.Int8Dot(a, b), saturates);
                long actual = kernel(a, 0, b, 0, length);

                Assert.True(expected == actual, $"{name}, a = {x}, b = {y}, length {length}: expected {expected}, got {actual}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(ExtremeLengths))]
    public void SquaredL2_IsExact_ForExtremeValues_AtEverySupportedWidth(int length)
    {
        foreach ((string name, int minLength, bool saturates, Int8Kernel kernel) in SquaredL2Kernels())
        {
            if (length < minLength)
            {
                continue;
            }

            foreach ((sbyte x, sbyte y) in ExtremePairs)
            {
                sbyte[] a = Filled(length, x);
                sbyte[] b = Filled(length, y);

                long expected = Expected(ScalarReference.Int8SquaredL2(a, b), saturates);
                long actual = kernel(a, 0, b, 0, length);

                Assert.True(expected == actual, $"{name}, a = {x}, b = {y}, length {length}: expected {expected}, got {actual}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(ExtremeLengths))]
    public void Kernels_AreExact_ForRandomExtremeValues_AtEverySupportedWidth(int length)
    {
        int seed = Seed + length;
        var random = new Random(seed);
        sbyte[] extremes = [sbyte.MinValue, -sbyte.MaxValue, sbyte.MaxValue];
        sbyte[] a = new sbyte[length];
        sbyte[] b = new sbyte[length];
        for (int i = 0; i < length; i++)
        {
            a[i] = extremes[random.Next(extremes.Length)];
            b[i] = extremes[random.Next(extremes.Length)];
        }

        long dot = ScalarReference.Int8Dot(a, b);
        long squared = ScalarReference.Int8SquaredL2(a, b);

        foreach ((string name, _, bool saturates, Int8Kernel kernel) in DotKernels().Where(k => length >= k.MinLength))
        {
            long actual = kernel(a, 0, b, 0, length);
            Assert.True(Expected(dot, saturates) == actual, $"{name} dot: expected {Expected(dot, saturates)}, got {actual}; seed {seed}, length {length}");
        }

        foreach ((string name, _, bool saturates, Int8Kernel kernel) in SquaredL2Kernels().Where(k => length >= k.MinLength))
        {
            long actual = kernel(a, 0, b, 0, length);
            Assert.True(Expected(squared, saturates) == actual, $"{name} squared L2: expected {Expected(squared, saturates)}, got {actual}; seed {seed}, length {length}");
        }
    }

    [Fact]
    public void SquaredL2_SaturatesAtIntMaxValue_WhenTheExactValueExceedsInt()
    {
        // 65,536 · 255² ≈ 4.26e9 does not fit in int; 33,025 · 255² = 2,147,450,625 still does.
        sbyte[] low = Filled(65_536, sbyte.MinValue);
        sbyte[] high = Filled(65_536, sbyte.MaxValue);

        Assert.Equal(int.MaxValue, Int8Kernels.SquaredL2(low, high));
        Assert.Equal(2_147_450_625, Int8Kernels.SquaredL2(low.AsSpan(0, 33_025), high.AsSpan(0, 33_025)));
    }

    [Theory]
    [InlineData(65_537)]
    [InlineData(131_071)]
    [InlineData(131_072)]
    [InlineData(200_003)]
    public void Kernels_AreExactOrSaturated_BeyondOneBlock(int length)
    {
        int seed = Seed + length;
        var random = new Random(seed);
        sbyte[] randomA = new sbyte[length];
        sbyte[] randomB = new sbyte[length];
        random.NextBytes(MemoryMarshal.AsBytes(randomA.AsSpan()));
        random.NextBytes(MemoryMarshal.AsBytes(randomB.AsSpan()));
        sbyte[] low = Filled(length, sbyte.MinValue);
        sbyte[] high = Filled(length, sbyte.MaxValue);

        foreach ((sbyte[] a, sbyte[] b) in new[] { (randomA, randomB), (low, low), (low, high), (high, low), (high, high) })
        {
            long dot = Expected(ScalarReference.Int8Dot(a, b), saturates: true);
            long squared = Expected(ScalarReference.Int8SquaredL2(a, b), saturates: true);

            Assert.True(dot == Int8Kernels.Dot(a, b), $"dot: expected {dot}, got {Int8Kernels.Dot(a, b)}; a[0] = {a[0]}, b[0] = {b[0]}, seed {seed}, length {length}");
            Assert.True(squared == Int8Kernels.SquaredL2(a, b), $"squared L2: expected {squared}, got {Int8Kernels.SquaredL2(a, b)}; a[0] = {a[0]}, b[0] = {b[0]}, seed {seed}, length {length}");
        }
    }

    [Fact]
    public void MultiplyAddAdjacentPortable_SumsToTheDotProduct_OfWidenedInt8Values()
    {
        var random = new Random(Seed);
        short[] x = new short[Vector128<short>.Count];
        short[] y = new short[Vector128<short>.Count];
        for (int round = 0; round < 1000; round++)
        {
            long expected = 0;
            for (int i = 0; i < x.Length; i++)
            {
                x[i] = (short)random.Next(sbyte.MinValue, sbyte.MaxValue + 1);
                y[i] = round == 0 ? (short)sbyte.MinValue : (short)random.Next(sbyte.MinValue, sbyte.MaxValue + 1);
                expected += x[i] * y[i];
            }

            Vector128<int> portable = Int8Kernels.MultiplyAddAdjacentPortable(Vector128.Create(x), Vector128.Create(y));
            Vector128<int> dispatched = Int8Kernels.MultiplyAddAdjacent(Vector128.Create(x), Vector128.Create(y));

            Assert.True(expected == Vector128.Sum(portable), $"portable: expected {expected}, got {Vector128.Sum(portable)}; seed {Seed}, round {round}");
            Assert.True(expected == Vector128.Sum(dispatched), $"dispatched: expected {expected}, got {Vector128.Sum(dispatched)}; seed {Seed}, round {round}");
        }
    }

    [Fact]
    public void Kernels_Throw_WhenLengthsDiffer()
    {
        Assert.Throws<ArgumentException>(() => Int8Kernels.Dot(new sbyte[16], new sbyte[17]));
        Assert.Throws<ArgumentException>(() => Int8Kernels.SquaredL2(Array.Empty<sbyte>(), new sbyte[1]));
    }

    // The public entry points and every width-specific implementation this machine can run, each
    // with the shortest input it accepts.
    private static IEnumerable<(string Name, int MinLength, bool Saturates, Int8Kernel Kernel)> DotKernels()
    {
        yield return ("span API", 0, true, (a, oa, b, ob, n) => Int8Kernels.Dot(a.AsSpan(oa, n), b.AsSpan(ob, n)));
        yield return ("ref API", 0, true, (a, oa, b, ob, n) => Int8Kernels.Dot(ref a[oa], ref b[ob], n));
        if (Vector512.IsHardwareAccelerated && Avx512BW.IsSupported)
        {
            yield return ("Vector512", 32, false, (a, oa, b, ob, n) => Int8Kernels.DotVector512(ref a[oa], ref b[ob], (nuint)n));
        }

        if (Vector256.IsHardwareAccelerated && AvxVnni.IsSupported)
        {
            yield return ("Vector256 AVX-VNNI", 32, false, (a, oa, b, ob, n) => Int8Kernels.DotVector256Vnni(ref a[oa], ref b[ob], (nuint)n));
        }

        if (Vector256.IsHardwareAccelerated && Avx2.IsSupported)
        {
            yield return ("Vector256", 16, false, (a, oa, b, ob, n) => Int8Kernels.DotVector256(ref a[oa], ref b[ob], (nuint)n));
        }

        if (Vector128.IsHardwareAccelerated)
        {
            yield return ("Vector128", 16, false, (a, oa, b, ob, n) => Int8Kernels.DotVector128(ref a[oa], ref b[ob], (nuint)n));
        }

        yield return ("scalar", 0, false, (a, oa, b, ob, n) => Int8Kernels.DotScalar(ref a[oa], ref b[ob], (nuint)n));
    }

    private static IEnumerable<(string Name, int MinLength, bool Saturates, Int8Kernel Kernel)> SquaredL2Kernels()
    {
        yield return ("span API", 0, true, (a, oa, b, ob, n) => Int8Kernels.SquaredL2(a.AsSpan(oa, n), b.AsSpan(ob, n)));
        yield return ("ref API", 0, true, (a, oa, b, ob, n) => Int8Kernels.SquaredL2(ref a[oa], ref b[ob], n));
        if (Vector512.IsHardwareAccelerated && Avx512BW.IsSupported)
        {
            yield return ("Vector512", 32, false, (a, oa, b, ob, n) => Int8Kernels.SquaredL2Vector512(ref a[oa], ref b[ob], (nuint)n));
        }

        if (Vector256.IsHardwareAccelerated && Avx2.IsSupported)
        {
            yield return ("Vector256", 32, false, (a, oa, b, ob, n) => Int8Kernels.SquaredL2Vector256(ref a[oa], ref b[ob], (nuint)n));
        }

        if (Vector128.IsHardwareAccelerated)
        {
            yield return ("Vector128", 16, false, (a, oa, b, ob, n) => Int8Kernels.SquaredL2Vector128(ref a[oa], ref b[ob], (nuint)n));
        }

        yield return ("scalar", 0, false, (a, oa, b, ob, n) => Int8Kernels.SquaredL2Scalar(ref a[oa], ref b[ob], (nuint)n));
    }

    /// <summary>The public API saturates to the int range; the width-specific methods return exact block sums.</summary>
    private static long Expected(long exact, bool saturates) => saturates ? Math.Clamp(exact, int.MinValue, int.MaxValue) : exact;

    private static sbyte[] RandomVector(Random random, int length, out int offset)
    {
        offset = 1 + random.Next(Padding - 1);
        sbyte[] array = new sbyte[length + (2 * Padding)];
        for (int i = 0; i < array.Length; i++)
        {
            array[i] = i % 2 == 0 ? sbyte.MinValue : sbyte.MaxValue;
        }

        for (int i = 0; i < length; i++)
        {
            array[offset + i] = (sbyte)random.Next(sbyte.MinValue, sbyte.MaxValue + 1);
        }

        return array;
    }

    private static sbyte[] Filled(int length, sbyte value)
    {
        sbyte[] array = new sbyte[length];
        array.AsSpan().Fill(value);
        return array;
    }
}
