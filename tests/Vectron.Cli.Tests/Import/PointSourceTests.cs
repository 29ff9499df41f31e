using System.Buffers.Binary;
using Vectron.Cli.Import;

namespace Vectron.Cli.Tests.Import;

public sealed class PointSourceTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private string PathOf(string name) => Path.Combine(_directory.Path, name);

    private static List<ImportPoint> ReadAll(IPointSource source)
    {
        var points = new List<ImportPoint>();
        while (source.TryRead(out var point))
        {
            points.Add(point);
        }

        return points;
    }

    [Fact]
    public void Fvecs_ReadsEveryRecord_WithRowNumbersPlusOffsetAsIds()
    {
        var rows = PointFiles.Rows(5, 3);
        PointFiles.WriteFvecs(PathOf("a.fvecs"), rows);
        using var source = PointSources.Open(PathOf("a.fvecs"), idOffset: 100);
        Assert.Equal(3, source.Dimension);
        Assert.Equal(5, source.Count);
        var points = ReadAll(source);
        Assert.Equal(5, points.Count);
        for (int i = 0; i < 5; i++)
        {
            Assert.Equal(100UL + (ulong)i, points[i].NumericId);
            Assert.Equal(rows[i], points[i].Vector);
            Assert.Null(points[i].Payload);
        }

        Assert.Equal(1.0, source.Fraction);
    }

    [Fact]
    public void Fvecs_Skip_ResumesAtTheRightRecord()
    {
        PointFiles.WriteFvecs(PathOf("a.fvecs"), PointFiles.Rows(10, 4));
        using var source = PointSources.Open(PathOf("a.fvecs"), 0);
        source.Skip(7);
        Assert.True(source.TryRead(out var point));
        Assert.Equal(7UL, point.NumericId);
        Assert.Equal(7f, point.Vector[0]);
        Assert.Throws<InvalidDataException>(() => source.Skip(5));
    }

    [Fact]
    public void Fvecs_TruncatedFile_IsRejectedAtOpen()
    {
        PointFiles.WriteFvecs(PathOf("a.fvecs"), PointFiles.Rows(3, 4));
        using (var stream = File.OpenWrite(PathOf("a.fvecs")))
        {
            stream.SetLength(stream.Length - 2);
        }

        var error = Assert.Throws<InvalidDataException>(() => PointSources.Open(PathOf("a.fvecs"), 0));
        Assert.Contains("not a whole number", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fvecs_RecordWithAnotherDimension_NamesTheRecord()
    {
        // Two records of dimension 2 followed by one of dimension 1 plus padding: same total size as three records of 2.
        var path = PathOf("a.fvecs");
        PointFiles.WriteFvecs(path, [[1, 2], [3, 4], [5, 6]]);
        byte[] bytes = File.ReadAllBytes(path);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(24), 1);
        File.WriteAllBytes(path, bytes);
        using var source = PointSources.Open(path, 0);
        Assert.True(source.TryRead(out _));
        Assert.True(source.TryRead(out _));
        var error = Assert.Throws<InvalidDataException>(() => source.TryRead(out _));
        Assert.Contains("record 2 declares dimension 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bvecs_WidensBytesToFloats()
    {
        PointFiles.WriteBvecs(PathOf("a.bvecs"), [[0, 255, 7], [1, 2, 3]]);
        using var source = PointSources.Open(PathOf("a.bvecs"), 0);
        var points = ReadAll(source);
        Assert.Equal([0f, 255f, 7f], points[0].Vector);
        Assert.Equal([1f, 2f, 3f], points[1].Vector);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Npy_Float32_ReadsRows(byte major)
    {
        var rows = PointFiles.Rows(4, 3);
        PointFiles.WriteNpy(PathOf("a.npy"), "<f4", "(4, 3)", PointFiles.Float32Data(rows), major: major);
        using var source = PointSources.Open(PathOf("a.npy"), 10);
        Assert.Equal(3, source.Dimension);
        Assert.Equal(4, source.Count);
        var points = ReadAll(source);
        Assert.Equal(rows[3], points[3].Vector);
        Assert.Equal(13UL, points[3].NumericId);
    }

    [Fact]
    public void Npy_Float64AndUInt8_AreConverted()
    {
        var doubles = new byte[16];
        BinaryPrimitives.WriteDoubleLittleEndian(doubles, 1.5);
        BinaryPrimitives.WriteDoubleLittleEndian(doubles.AsSpan(8), -2.25);
        PointFiles.WriteNpy(PathOf("d.npy"), "<f8", "(1, 2)", doubles);
        using (var source = PointSources.Open(PathOf("d.npy"), 0))
        {
            Assert.Equal([1.5f, -2.25f], ReadAll(source)[0].Vector);
        }

        PointFiles.WriteNpy(PathOf("u.npy"), "|u1", "(2, 2)", [1, 2, 250, 4]);
        using (var source = PointSources.Open(PathOf("u.npy"), 0))
        {
            Assert.Equal([250f, 4f], ReadAll(source)[1].Vector);
        }

        PointFiles.WriteNpy(PathOf("i.npy"), "|i1", "(1, 2)", [0xFF, 5]);
        using (var source = PointSources.Open(PathOf("i.npy"), 0))
        {
            Assert.Equal([-1f, 5f], ReadAll(source)[0].Vector);
        }
    }

    [Theory]
    [InlineData("<f4", "(2, 3)", true, "Fortran")]
    [InlineData("<f4", "(2, 3, 4)", false, "two-dimensional")]
    [InlineData("<i8", "(2, 3)", false, "'<i8' is not supported")]
    [InlineData("<f4", "(9, 3)", false, "truncated")]
    public void Npy_Unusable_IsRejectedWithTheReason(string descriptor, string shape, bool fortran, string expected)
    {
        PointFiles.WriteNpy(PathOf("a.npy"), descriptor, shape, new byte[24], fortran);
        var error = Assert.Throws<InvalidDataException>(() => PointSources.Open(PathOf("a.npy"), 0));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Npy_WithoutMagic_IsRejected()
    {
        File.WriteAllBytes(PathOf("a.npy"), new byte[64]);
        var error = Assert.Throws<InvalidDataException>(() => PointSources.Open(PathOf("a.npy"), 0));
        Assert.Contains("magic", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void JsonLines_ReadsIdsVectorsAndPayloads_SkippingBlankLines()
    {
        File.WriteAllText(PathOf("a.jsonl"), """
            {"id": 1, "vector": [0.5, 1], "payload": {"color": "red", "n": [1, 2]}}

            {"id": "6f1b1d3e-4c8e-4a57-9b8e-0f0e0d0c0b0a", "vector": [2, 3]}
            {"id": 18446744073709551615, "vector": [4, 5], "payload": null}
            """);
        using var source = PointSources.Open(PathOf("a.jsonl"), idOffset: 99);
        Assert.Equal(2, source.Dimension);
        Assert.Null(source.Count);
        var points = ReadAll(source);
        Assert.Equal(3, points.Count);
        Assert.Equal(1UL, points[0].NumericId);
        Assert.Equal("red", points[0].Payload!.Value.GetProperty("color").GetString());
        Assert.Equal(Guid.Parse("6f1b1d3e-4c8e-4a57-9b8e-0f0e0d0c0b0a"), points[1].UuidId);
        Assert.Equal(ulong.MaxValue, points[2].NumericId);
        Assert.Null(points[2].Payload);
        Assert.Equal(3, source.Position);
    }

    [Theory]
    [InlineData("""{"vector": [1, 2]}""", "line 2: \"id\" is missing")]
    [InlineData("""{"id": 2}""", "line 2: \"vector\" is missing")]
    [InlineData("""{"id": -4, "vector": [1, 2]}""", "line 2: \"id\" -4 is not an unsigned 64-bit integer")]
    [InlineData("""{"id": "abc", "vector": [1, 2]}""", "line 2: \"id\" \"abc\" is neither")]
    [InlineData("""{"id": 2, "vector": [1, 2, 3]}""", "line 2: \"vector\" has 3 components; the file's first point has 2")]
    [InlineData("""{"id": 2, "vector": [1, "x"]}""", "line 2: \"vector\"[1] is a string")]
    [InlineData("""{"id": 2, "vector": [1, 1e39]}""", "line 2: \"vector\"[1] = 1e39 does not fit a finite float32")]
    [InlineData("""{"id": 2, "vector": [1, 2], "payload": [1]}""", "line 2: \"payload\" must be an object")]
    [InlineData("""{"id": 2, "vectors": [1, 2]}""", "line 2: unknown field \"vectors\"")]
    [InlineData("""{"id": 2, "vector": [1, 2]""", "line 2: is not valid JSON")]
    [InlineData("""[1, 2]""", "line 2: must be a JSON object")]
    public void JsonLines_BadLine_NamesTheLineAndTheField(string badLine, string expected)
    {
        File.WriteAllText(PathOf("a.jsonl"), "{\"id\": 1, \"vector\": [0, 1]}\n" + badLine + "\n");
        using var source = PointSources.Open(PathOf("a.jsonl"), 0);
        Assert.True(source.TryRead(out _));
        var error = Assert.Throws<InvalidDataException>(() => source.TryRead(out _));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownExtension_ListsTheKnownOnes()
    {
        File.WriteAllText(PathOf("a.csv"), "1,2");
        var error = Assert.Throws<InvalidDataException>(() => PointSources.Open(PathOf("a.csv"), 0));
        Assert.Contains(".fvecs, .bvecs, .npy, .jsonl", error.Message, StringComparison.Ordinal);
    }
}
