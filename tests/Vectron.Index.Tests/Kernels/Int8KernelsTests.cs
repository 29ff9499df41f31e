using System.Runtime.Intrinsics;
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

    [Fact]
    public void Dot_MatchesScalarReference_ForEveryLengthUpTo300()
    {
        for (int length = 0; length <= MaxLength; length++)
        {
            int seed = Seed + length;
            var random = new Random(seed);
            sbyte[] a = RandomVector(random, length, out int offsetA);
            sbyte[] b = RandomVector(random, length, out int offsetB);
            ReadOnlySpan<sbyte> x = a.AsSpan(offsetA, length);
            ReadOnlySpan<sbyte> y = b.AsSpan(offsetB, length);

            long expected = ScalarReference.Int8Dot(x, y);
            int actual = Int8Kernels.Dot(x, y);

            Assert.True(expected == actual, $"expected {expected}, got {actual}; seed {seed}, length {length}");
            Assert.True(expected == Int8Kernels.Dot(ref a[offsetA], ref b[offsetB], length), $"ref overload differs; seed {seed}, length {length}");
        }
    }

    [Fact]
    public void SquaredL2_MatchesScalarReference_ForEveryLengthUpTo300()
    {
        for (int length = 0; length <= MaxLength; length++)
        {
            int seed = Seed + length;
            var random = new Random(seed);
            sbyte[] a = RandomVector(random, length, out int offsetA);
            sbyte[] b = RandomVector(random, length, out int offsetB);
            ReadOnlySpan<sbyte> x = a.AsSpan(offsetA, length);
            ReadOnlySpan<sbyte> y = b.AsSpan(offsetB, length);

            long expected = ScalarReference.Int8SquaredL2(x, y);
            int actual = Int8Kernels.SquaredL2(x, y);

            Assert.True(expected == actual, $"expected {expected}, got {actual}; seed {seed}, length {length}");
            Assert.True(expected == Int8Kernels.SquaredL2(ref a[offsetA], ref b[offsetB], length), $"ref overload differs; seed {seed}, length {length}");
        }
    }

    [Theory]
    [MemberData(nameof(ExtremeLengths))]
    public void Dot_IsExact_ForExtremeValues(int length)
    {
        foreach ((sbyte x, sbyte y) in ExtremePairs)
        {
            sbyte[] a = Filled(length, x);
            sbyte[] b = Filled(length, y);

            long expected = ScalarReference.Int8Dot(a, b);

            Assert.True(expected == Int8Kernels.Dot(a, b), $"a = {x}, b = {y}, length {length}: expected {expected}, got {Int8Kernels.Dot(a, b)}");
        }
    }

    [Theory]
    [MemberData(nameof(ExtremeLengths))]
    public void SquaredL2_IsExact_ForExtremeValues_WhenTheResultFitsInInt(int length)
    {
        foreach ((sbyte x, sbyte y) in ExtremePairs)
        {
            sbyte[] a = Filled(length, x);
            sbyte[] b = Filled(length, y);

            long expected = ScalarReference.Int8SquaredL2(a, b);
            long saturated = Math.Min(expected, int.MaxValue);

            Assert.True(saturated == Int8Kernels.SquaredL2(a, b), $"a = {x}, b = {y}, length {length}: expected {saturated}, got {Int8Kernels.SquaredL2(a, b)}");
        }
    }

    [Theory]
    [MemberData(nameof(ExtremeLengths))]
    public void Kernels_AreExact_ForRandomExtremeValues(int length)
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
        long squared = Math.Min(ScalarReference.Int8SquaredL2(a, b), int.MaxValue);

        Assert.True(dot == Int8Kernels.Dot(a, b), $"dot: expected {dot}, got {Int8Kernels.Dot(a, b)}; seed {seed}, length {length}");
        Assert.True(squared == Int8Kernels.SquaredL2(a, b), $"squared L2: expected {squared}, got {Int8Kernels.SquaredL2(a, b)}; seed {seed}, length {length}");
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
