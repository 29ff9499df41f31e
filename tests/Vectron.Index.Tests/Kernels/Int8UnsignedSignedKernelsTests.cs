using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Vectron.Index.Kernels;

namespace Vectron.Index.Tests.Kernels;

/// <summary>The unsigned-by-signed dot product (<see cref="Int8Kernels.DotUnsignedSigned(ReadOnlySpan{byte}, ReadOnlySpan{sbyte})"/>).</summary>
public sealed class Int8UnsignedSignedKernelsTests
{
    private const int Seed = 20_261_123;
    private const int MaxLength = 300;

    // Elements around the vector under test hold extreme values, so reading outside the span shows.
    private const int Padding = 17;

    public static TheoryData<int> ExtremeLengths => new() { 1, 15, 16, 17, 25, 31, 32, 33, 47, 63, 64, 65, 127, 128, 129, 255, 768, 1000, 4096, 65_535, 65_536 };

    private static readonly (byte X, sbyte Y)[] ExtremePairs =
    [
        (byte.MaxValue, sbyte.MinValue),
        (byte.MaxValue, sbyte.MaxValue),
        (byte.MinValue, sbyte.MinValue),
        (128, sbyte.MinValue),
        (127, sbyte.MaxValue),
        (1, -1),
    ];

    private delegate long Kernel(byte[] a, int offsetA, sbyte[] b, int offsetB, int length);

    [Fact]
    public void DotUnsignedSigned_MatchesScalarReference_AtEverySupportedWidth_ForEveryLengthUpTo300()
    {
        foreach ((string name, int minLength, int maxLength, bool saturates, Kernel kernel) in Kernels())
        {
            for (int length = minLength; length <= Math.Min(maxLength, MaxLength); length++)
            {
                int seed = Seed + length;
                var random = new Random(seed);
                byte[] a = RandomUnsigned(random, length, out int offsetA);
                sbyte[] b = RandomSigned(random, length, out int offsetB);

                long expected = Expected(ScalarReference.Int8DotUnsignedSigned(a.AsSpan(offsetA, length), b.AsSpan(offsetB, length)), saturates);
                long actual = kernel(a, offsetA, b, offsetB, length);

                Assert.True(expected == actual, $"{name}: expected {expected}, got {actual}; seed {seed}, length {length}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(ExtremeLengths))]
    public void DotUnsignedSigned_IsExact_ForExtremeValues_AtEverySupportedWidth(int length)
    {
        foreach ((string name, int minLength, int maxLength, _, Kernel kernel) in Kernels())
        {
            if (length < minLength || length > maxLength)
            {
                continue;
            }

            foreach ((byte x, sbyte y) in ExtremePairs)
            {
                byte[] a = Enumerable.Repeat(x, length).ToArray();
                sbyte[] b = Enumerable.Repeat(y, length).ToArray();

                // Up to 65,536 elements the exact value fits in int, so even the saturating API is exact.
                long expected = ScalarReference.Int8DotUnsignedSigned(a, b);
                long actual = kernel(a, 0, b, 0, length);

                Assert.True(expected == actual, $"{name}, a = {x}, b = {y}, length {length}: expected {expected}, got {actual}");
            }
        }
    }

    [Fact]
    public void DotUnsignedSigned_IsExact_AtTheLargestDimension_WithTheLargestMagnitudes()
    {
        // 255 · 128 · 65,536 = 2,139,095,040 < int.MaxValue: no overflow and no saturation.
        byte[] a = Enumerable.Repeat(byte.MaxValue, 65_536).ToArray();
        sbyte[] low = Enumerable.Repeat(sbyte.MinValue, 65_536).ToArray();
        sbyte[] high = Enumerable.Repeat(sbyte.MaxValue, 65_536).ToArray();

        Assert.Equal(-2_139_095_040, Int8Kernels.DotUnsignedSigned(a, low));
        Assert.Equal(2_122_383_360, Int8Kernels.DotUnsignedSigned(a, high));
    }

    [Theory]
    [MemberData(nameof(ExtremeLengths))]
    public void DotUnsignedSigned_IsExact_ForRandomExtremeValues_AtEverySupportedWidth(int length)
    {
        int seed = Seed + length;
        var random = new Random(seed);
        byte[] unsignedExtremes = [0, 1, 128, 254, 255];
        sbyte[] signedExtremes = [sbyte.MinValue, -sbyte.MaxValue, 0, sbyte.MaxValue];
        byte[] a = new byte[length];
        sbyte[] b = new sbyte[length];
        for (int i = 0; i < length; i++)
        {
            a[i] = unsignedExtremes[random.Next(unsignedExtremes.Length)];
            b[i] = signedExtremes[random.Next(signedExtremes.Length)];
        }

        long expected = ScalarReference.Int8DotUnsignedSigned(a, b);
        foreach ((string name, int minLength, int maxLength, _, Kernel kernel) in Kernels())
        {
            if (length >= minLength && length <= maxLength)
            {
                long actual = kernel(a, 0, b, 0, length);
                Assert.True(expected == actual, $"{name}: expected {expected}, got {actual}; seed {seed}, length {length}");
            }
        }
    }

    [Theory]
    [InlineData(65_537)]
    [InlineData(131_072)]
    [InlineData(200_003)]
    public void DotUnsignedSigned_IsExactOrSaturated_BeyondOneBlock(int length)
    {
        int seed = Seed + length;
        var random = new Random(seed);
        byte[] randomA = new byte[length];
        sbyte[] randomB = new sbyte[length];
        random.NextBytes(randomA);
        random.NextBytes(MemoryMarshal.AsBytes(randomB.AsSpan()));
        byte[] high = Enumerable.Repeat(byte.MaxValue, length).ToArray();
        sbyte[] low = Enumerable.Repeat(sbyte.MinValue, length).ToArray();
        sbyte[] highSigned = Enumerable.Repeat(sbyte.MaxValue, length).ToArray();

        foreach ((byte[] a, sbyte[] b) in new[] { (randomA, randomB), (high, low), (high, highSigned) })
        {
            long expected = Expected(ScalarReference.Int8DotUnsignedSigned(a, b), saturates: true);
            long actual = Int8Kernels.DotUnsignedSigned(a, b);
            Assert.True(expected == actual, $"expected {expected}, got {actual}; a[0] = {a[0]}, b[0] = {b[0]}, seed {seed}, length {length}");
        }
    }

    [Fact]
    public void DotUnsignedSigned_OfOffsetBinaryCodes_IsTheSignedDotPlus128TimesTheCodeSum()
    {
        // The identity the index's dot space relies on: Σ (qᵢ + 128)·cᵢ = Σ qᵢcᵢ + 128·Σ cᵢ.
        var random = new Random(Seed);
        for (int length = 0; length <= 100; length++)
        {
            sbyte[] q = RandomSigned(random, length, out int offsetQ).AsSpan(offsetQ, length).ToArray();
            sbyte[] c = RandomSigned(random, length, out int offsetC).AsSpan(offsetC, length).ToArray();
            byte[] offsetBinary = q.Select(x => (byte)(x + 128)).ToArray();

            long expected = ScalarReference.Int8Dot(q, c) + (128L * c.Sum(x => (long)x));
            Assert.True(expected == Int8Kernels.DotUnsignedSigned(offsetBinary, c), $"seed {Seed}, length {length}");
        }
    }

    [Fact]
    public void DotUnsignedSigned_Throws_WhenLengthsDiffer()
    {
        Assert.Throws<ArgumentException>(() => Int8Kernels.DotUnsignedSigned(new byte[16], new sbyte[17]));
        Assert.Throws<ArgumentException>(() => Int8Kernels.DotUnsignedSigned(Array.Empty<byte>(), new sbyte[1]));
    }

    // The public entry points and every width-specific implementation this machine can run, each
    // with the lengths it accepts.
    private static IEnumerable<(string Name, int MinLength, int MaxLength, bool Saturates, Kernel Kernel)> Kernels()
    {
        yield return ("span API", 0, int.MaxValue, true, (a, oa, b, ob, n) => Int8Kernels.DotUnsignedSigned(a.AsSpan(oa, n), b.AsSpan(ob, n)));
        yield return ("ref API", 0, int.MaxValue, true, (a, oa, b, ob, n) => Int8Kernels.DotUnsignedSigned(ref a[oa], ref b[ob], n));
        if (Vector512.IsHardwareAccelerated && AvxVnni.IsSupported)
        {
            yield return ("Vector512 loads, AVX-VNNI", 32, int.MaxValue, false, (a, oa, b, ob, n) => Int8Kernels.DotUnsignedSignedVector512Vnni(ref a[oa], ref b[ob], (nuint)n));
        }

        if (Vector256.IsHardwareAccelerated && AvxVnni.IsSupported)
        {
            yield return ("Vector256 AVX-VNNI", 32, int.MaxValue, false, (a, oa, b, ob, n) => Int8Kernels.DotUnsignedSignedVector256Vnni(ref a[oa], ref b[ob], (nuint)n));
            yield return ("Vector128 AVX-VNNI", 16, 31, false, (a, oa, b, ob, n) => Int8Kernels.DotUnsignedSignedVector128Vnni(ref a[oa], ref b[ob], (nuint)n));
        }

        if (Vector512.IsHardwareAccelerated && Avx512BW.IsSupported)
        {
            yield return ("Vector512", 32, int.MaxValue, false, (a, oa, b, ob, n) => Int8Kernels.DotUnsignedSignedVector512(ref a[oa], ref b[ob], (nuint)n));
        }

        if (Vector256.IsHardwareAccelerated && Avx2.IsSupported)
        {
            yield return ("Vector256", 16, int.MaxValue, false, (a, oa, b, ob, n) => Int8Kernels.DotUnsignedSignedVector256(ref a[oa], ref b[ob], (nuint)n));
        }

        if (Vector128.IsHardwareAccelerated)
        {
            yield return ("Vector128", 16, int.MaxValue, false, (a, oa, b, ob, n) => Int8Kernels.DotUnsignedSignedVector128(ref a[oa], ref b[ob], (nuint)n));
        }

        yield return ("scalar", 0, int.MaxValue, false, (a, oa, b, ob, n) => Int8Kernels.DotUnsignedSignedScalar(ref a[oa], ref b[ob], (nuint)n));
    }

    /// <summary>The public API saturates to the int range; the width-specific methods return exact block sums.</summary>
    private static long Expected(long exact, bool saturates) => saturates ? Math.Clamp(exact, int.MinValue, int.MaxValue) : exact;

    private static byte[] RandomUnsigned(Random random, int length, out int offset)
    {
        offset = 1 + random.Next(Padding - 1);
        byte[] array = new byte[length + (2 * Padding)];
        array.AsSpan().Fill(byte.MaxValue);
        random.NextBytes(array.AsSpan(offset, length));
        return array;
    }

    private static sbyte[] RandomSigned(Random random, int length, out int offset)
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
}
