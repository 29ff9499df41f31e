using System.Buffers.Binary;
using Vectron.Index.Quantization;
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
    public void Int8File_StoresTheFormatOneCorrections_AndLoadsTheKernelsCorrections()
    {
        byte[] bytes = SaveSample(QuantizationKind.Int8, out HnswIndex original, out _);
        using HnswIndex loaded = HnswIndex.Load(new MemoryStream(bytes));
        (int payload, long length) = FindSection(bytes, "QUNT");
        QuantizedVectors quantized = loaded.Quantized!;
        ScalarQuantizer q = quantized.Quantizer;
        int nodes = loaded.NodeCount;
        int corrections = payload + 32 + (nodes * 12);
        Assert.Equal(length, 32 + (nodes * 12) + (nodes * 4));
        for (int node = 0; node < nodes; node++)
        {
            int codeSum = ScalarQuantizer.CodeSum(quantized.Codes.RowSpan(node));
            // The file keeps m·s·Σc, as format 1 always has; memory holds the offset-binary kernel's value.
            Assert.Equal(q.Correction(codeSum), BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(corrections + (node * 4))));
            Assert.Equal(q.NodeCorrection(codeSum), quantized.Corrections.Row(node));
            Assert.Equal(original.Quantized!.Corrections.Row(node), quantized.Corrections.Row(node));
        }

        original.Dispose();
    }

    [Fact]
    public void Int8File_WhoseCorrectionDisagreesWithItsCodes_IsRejected_NamingTheNode()
    {
        byte[] bytes = SaveSample(QuantizationKind.Int8, out HnswIndex original, out _);
        int nodes = original.NodeCount;
        original.Dispose();
        (int payload, long length) = FindSection(bytes, "QUNT");
        int corrections = payload + 32 + (nodes * 12);
        // Node 7's correction changes and the section checksum is rewritten to match: only the
        // consistency check between codes and corrections can catch it.
        Span<byte> correction = bytes.AsSpan(corrections + (7 * 4), 4);
        BinaryPrimitives.WriteSingleLittleEndian(correction, BinaryPrimitives.ReadSingleLittleEndian(correction) + 0.5f);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(payload + (int)length), Checksums.Crc32C.Compute(bytes.AsSpan(payload, (int)length)));

        InvalidDataException error = Assert.Throws<InvalidDataException>(() => HnswIndex.Load(new MemoryStream(bytes)));

        Assert.Contains("node 7", error.Message, StringComparison.Ordinal);
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

    /// <summary>Walks the section frames after the 64-byte header; returns the payload offset and length of <paramref name="tag"/>.</summary>
    private static (int Payload, long Length) FindSection(byte[] bytes, string tag)
    {
        int position = 64;
        while (position < bytes.Length)
        {
            string current = System.Text.Encoding.ASCII.GetString(bytes, position, 4);
            long length = BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(position + 4));
            if (current == tag)
            {
                return (position + 12, length);
            }

            position += 12 + (int)length + 4;
        }

        throw new InvalidOperationException($"No section {tag}.");
    }
}
