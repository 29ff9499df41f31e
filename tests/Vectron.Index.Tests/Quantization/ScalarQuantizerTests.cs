using System.Runtime.InteropServices;
using Vectron.Index.Quantization;
using Vectron.Index.Tests.Support;

namespace Vectron.Index.Tests.Quantization;

public sealed class ScalarQuantizerTests
{
    [Fact]
    public void Calibrate_UsesQuantiles_SoOutliersClipInsteadOfWideningTheRange()
    {
        var values = new float[10_000];
        var random = new Random(1);
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (float)random.NextDouble();
        }

        values[17] = 1_000f;
        values[99] = -1_000f;

        ScalarQuantizer quantizer = ScalarQuantizer.Calibrate(values, 0.999);

        Assert.InRange(quantizer.Lower, 0f, 0.01f);
        Assert.InRange(quantizer.Upper, 0.99f, 1f);
    }

    [Fact]
    public void EncodeDecode_ErrorIsAtMostHalfAStep_InsideTheRange()
    {
        var quantizer = new ScalarQuantizer(-2f, 6f, 0.999);
        var random = new Random(2);
        float[] values = Enumerable.Range(0, 4_096).Select(_ => (float)((random.NextDouble() * 8) - 2)).ToArray();
        var codes = new sbyte[values.Length];
        var decoded = new float[values.Length];

        EncodeStatistics statistics = quantizer.Encode(values, codes);
        quantizer.Decode(codes, decoded);

        Assert.Equal(0, statistics.Clipped);
        for (int i = 0; i < values.Length; i++)
        {
            Assert.True(Math.Abs(values[i] - decoded[i]) <= (quantizer.Scale / 2) + 1e-6, $"value {values[i]} decoded as {decoded[i]}");
        }

        Assert.Equal(codes.Sum(c => (int)c), statistics.CodeSum);
    }

    [Fact]
    public void EncodeQuery_GivesTheSameCodesAndSumAsEncode_AtEveryLength()
    {
        const int seed = 17;
        var random = new Random(seed);
        var quantizer = new ScalarQuantizer(-1.5f, 2.5f, 0.999);
        for (int length = 0; length <= 100; length++)
        {
            // Values reach past both ends of the range so clipping is exercised, plus exact midpoints.
            float[] values = Enumerable.Range(0, length).Select(i => i % 7 == 0
                ? quantizer.Offset + (quantizer.Scale * (i - 0.5f))
                : (float)((random.NextDouble() * 6) - 3)).ToArray();
            var expected = new sbyte[length];
            var actual = new sbyte[length];
            EncodeStatistics statistics = quantizer.Encode(values, expected);
            int sum = quantizer.EncodeQuery(values, actual);
            Assert.True(expected.AsSpan().SequenceEqual(actual), $"seed {seed}, length {length}: codes differ");
            Assert.Equal(statistics.CodeSum, sum);

            var offsetBinary = new byte[length];
            Assert.Equal(statistics.CodeSum, quantizer.EncodeQueryOffsetBinary(values, offsetBinary));
            for (int i = 0; i < length; i++)
            {
                Assert.True(offsetBinary[i] == expected[i] + 128, $"seed {seed}, length {length}, element {i}: code {expected[i]} in offset binary is {offsetBinary[i]}");
            }

            Assert.Equal(statistics.CodeSum, ScalarQuantizer.CodeSum(expected));
        }
    }

    [Fact]
    public void CodeSum_IsExact_ForExtremeCodes_AtTheLargestDimension()
    {
        foreach (sbyte value in new[] { sbyte.MinValue, (sbyte)-ScalarQuantizer.MaxCode, sbyte.MaxValue })
        {
            sbyte[] codes = Enumerable.Repeat(value, 65_536).ToArray();
            Assert.Equal(value * 65_536, ScalarQuantizer.CodeSum(codes));
            Assert.Equal(value * 65_535, ScalarQuantizer.CodeSum(codes.AsSpan(1)));
        }
    }

    [Fact]
    public void FirstNonFinite_FindsNaNAndInfinity_AtEveryPosition()
    {
        for (int length = 1; length <= 40; length++)
        {
            for (int position = 0; position < length; position++)
            {
                foreach (float bad in new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity })
                {
                    float[] values = Enumerable.Repeat(float.MaxValue, length).ToArray();
                    values[position] = bad;
                    Assert.Equal(position, VectorChecks.FirstNonFinite(values));
                }
            }

            Assert.Equal(-1, VectorChecks.FirstNonFinite(Enumerable.Repeat(-float.MaxValue, length).ToArray()));
        }
    }

    [Fact]
    public void StableData_IsCalibratedOnce()
    {
        float[][] rows = IndexBuilder.Clustered(5_000, 32, clusters: 20, seed: 14);
        using HnswIndex index = IndexBuilder.Build(rows, new HnswOptions { Dimension = 32, Quantization = QuantizationKind.Int8 });
        Assert.Equal(1, index.CalibrationCount);
    }

    [Fact]
    public void ConstantData_EncodesExactly()
    {
        var values = Enumerable.Repeat(3.5f, 100).ToArray();
        ScalarQuantizer quantizer = ScalarQuantizer.Calibrate(values.ToArray(), 0.999);
        var codes = new sbyte[100];
        var decoded = new float[100];
        quantizer.Encode(values, codes);
        quantizer.Decode(codes, decoded);
        Assert.All(decoded, d => Assert.Equal(3.5f, d, 5));
    }

    /// <summary>The int8 distance spaces must equal the float distance between the dequantized vectors (docs/quantization.md).</summary>
    [Theory]
    [InlineData(DistanceMetric.L2)]
    [InlineData(DistanceMetric.Dot)]
    [InlineData(DistanceMetric.Cosine)]
    public void CodeDistances_EqualFloatDistancesOfDequantizedVectors(DistanceMetric metric)
    {
        const int dimension = 40;
        float[][] rows = IndexBuilder.Clustered(1_200, dimension, clusters: 6, seed: 8);
        using HnswIndex index = IndexBuilder.Build(rows, new HnswOptions
        {
            Dimension = dimension,
            Metric = metric,
            Quantization = QuantizationKind.Int8,
            CalibrationThreshold = 1_000,
        });
        QuantizedVectors quantized = index.Quantized!;
        ScalarQuantizer q = quantized.Quantizer;
        var query = new float[dimension];
        rows[5].CopyTo(query, 0);
        if (metric == DistanceMetric.Cosine)
        {
            float norm = MathF.Sqrt(query.Sum(x => x * x));
            for (int i = 0; i < dimension; i++)
            {
                query[i] /= norm;
            }
        }

        var queryCodes = new Index.Memory.AlignedBuffer<sbyte>(dimension);
        EncodeStatistics statistics = q.Encode(query, queryCodes.Span);
        var offsetQueryCodes = new Index.Memory.AlignedBuffer<sbyte>(dimension);
        Assert.Equal(statistics.CodeSum, q.EncodeQueryOffsetBinary(query, MemoryMarshal.AsBytes(offsetQueryCodes.Span)));
        var dequantizedQuery = new float[dimension];
        q.Decode(queryCodes.Span, dequantizedQuery);
        var node = new float[dimension];
        for (int n = 0; n < 50; n++)
        {
            q.Decode(quantized.Codes.RowSpan(n), node);
            double dot = 0;
            double l2 = 0;
            for (int i = 0; i < dimension; i++)
            {
                dot += (double)dequantizedQuery[i] * node[i];
                l2 += ((double)dequantizedQuery[i] - node[i]) * ((double)dequantizedQuery[i] - node[i]);
            }

            double expected = metric switch { DistanceMetric.L2 => l2, DistanceMetric.Dot => -dot, _ => 1 - dot };
            float actual = metric == DistanceMetric.L2
                ? new Index.Search.Int8L2Space(quantized, queryCodes, dimension).Distance(n)
                : new Index.Search.Int8DotSpace(quantized, offsetQueryCodes, q.Correction(statistics.CodeSum), dimension, metric == DistanceMetric.Cosine ? 1f : 0f).Distance(n);
            Assert.True(Math.Abs(expected - actual) <= 1e-3 * Math.Max(1, Math.Abs(expected)), $"node {n}: expected {expected}, got {actual}");
        }
    }

    [Fact]
    public void DriftingData_TriggersRecalibration()
    {
        const int dimension = 16;
        var random = new Random(12);
        using var index = new HnswIndex(new HnswOptions
        {
            Dimension = dimension,
            Quantization = QuantizationKind.Int8,
            CalibrationThreshold = 500,
        });
        var vector = new float[dimension];
        for (int i = 0; i < 500; i++)
        {
            for (int d = 0; d < dimension; d++)
            {
                vector[d] = (float)random.NextDouble();
            }

            index.Upsert((ulong)i, vector);
        }

        Assert.True(index.IsCalibrated);
        Assert.Equal(1, index.CalibrationCount);
        (float lower, float upper) = index.QuantizationRange!.Value;
        Assert.InRange(upper, 0.9f, 1f);

        // The distribution moves to [10, 20]: nearly every new value clips.
        for (int i = 500; i < 500 + QuantizedVectors.DriftWindow + 10; i++)
        {
            for (int d = 0; d < dimension; d++)
            {
                vector[d] = 10 + (10 * (float)random.NextDouble());
            }

            index.Upsert((ulong)i, vector);
        }

        Assert.True(index.CalibrationCount >= 2, $"still {index.CalibrationCount} calibration(s) after drift");
        (float newLower, float newUpper) = index.QuantizationRange!.Value;
        Assert.True(newUpper > 15, $"range stayed [{lower}, {upper}] → [{newLower}, {newUpper}] after drift");
    }
}
