using Vectron.Index.Tests.Support;

namespace Vectron.Index.Tests.Persistence;

public sealed class HnswSerializerTests
{
    private static byte[] SaveSample(QuantizationKind quantization, out HnswIndex index, out float[][] rows)
    {
        rows = IndexBuilder.Clustered(1_500, 12, clusters: 12, seed: 21);
        index = IndexBuilder.Build(rows, new HnswOptions
        {
            Dimension = 12,
            Metric = DistanceMetric.Cosine,
            M = 8,
            EfConstruction = 64,
            Quantization = quantization,
            CalibrationThreshold = 500,
        });
        for (ulong key = 0; key < 100; key += 3)
        {
            index.Delete(key);
        }

        using var stream = new MemoryStream();
        index.Save(stream);
        return stream.ToArray();
    }

    [Theory]
    [InlineData(QuantizationKind.None)]
    [InlineData(QuantizationKind.Int8)]
    public void SaveThenLoad_GivesIdenticalSearchResults(QuantizationKind quantization)
    {
        byte[] bytes = SaveSample(quantization, out HnswIndex original, out float[][] rows);
        using HnswIndex loaded = HnswIndex.Load(new MemoryStream(bytes));

        Assert.Equal(original.Count, loaded.Count);
        Assert.Equal(original.NodeCount, loaded.NodeCount);
        Assert.Equal(original.IsCalibrated, loaded.IsCalibrated);
        Assert.Equal(original.Options with { InitialCapacity = 0 }, loaded.Options with { InitialCapacity = 0 });
        for (int q = 0; q < 50; q++)
        {
            Assert.Equal(original.Search(rows[q * 7], 10), loaded.Search(rows[q * 7], 10));
        }

        // The loaded index keeps working: writes and deletes.
        loaded.Upsert(1_000_000, rows[0]);
        Assert.True(loaded.Delete(1_000_000));
        Assert.False(loaded.Contains(0));
        Assert.True(loaded.Contains(1));
        original.Dispose();
    }

    [Fact]
    public void EveryFlippedByte_IsRejected_WithAMessageNamingWhere()
    {
        byte[] bytes = SaveSample(QuantizationKind.Int8, out HnswIndex original, out _);
        original.Dispose();
        // Every byte of the header and section frames, and a stride through the payloads.
        for (int position = 0; position < bytes.Length; position += position < 128 ? 1 : 61)
        {
            byte[] corrupt = (byte[])bytes.Clone();
            corrupt[position] ^= 0x10;
            InvalidDataException error = Assert.Throws<InvalidDataException>(() => HnswIndex.Load(new MemoryStream(corrupt)));
            Assert.False(string.IsNullOrWhiteSpace(error.Message), $"flip at {position}");
        }
    }

    [Fact]
    public void TruncatedFile_IsRejected_AtEveryLength()
    {
        byte[] bytes = SaveSample(QuantizationKind.None, out HnswIndex original, out _);
        original.Dispose();
        for (int length = 0; length < bytes.Length; length += length < 200 ? 1 : 97)
        {
            InvalidDataException error = Assert.Throws<InvalidDataException>(() => HnswIndex.Load(new MemoryStream(bytes, 0, length)));
            Assert.True(error.Message.Contains("truncated", StringComparison.Ordinal) || error.Message.Contains("Not a Vectron", StringComparison.Ordinal), error.Message);
        }
    }

    [Fact]
    public void NewerVersion_IsRejected_NamingTheVersion()
    {
        byte[] bytes = SaveSample(QuantizationKind.None, out HnswIndex original, out _);
        original.Dispose();
        bytes[8] = 9;

        InvalidDataException error = Assert.Throws<InvalidDataException>(() => HnswIndex.Load(new MemoryStream(bytes)));

        Assert.Contains("version 9", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EmptyIndex_RoundTrips()
    {
        using var index = new HnswIndex(new HnswOptions { Dimension = 3 });
        using var stream = new MemoryStream();
        index.Save(stream);
        stream.Position = 0;
        using HnswIndex loaded = HnswIndex.Load(stream);
        Assert.Equal(0, loaded.Count);
        Assert.Empty(loaded.Search([1f, 2f, 3f], 5));
    }
}
