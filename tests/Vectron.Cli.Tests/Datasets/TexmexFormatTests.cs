using Vectron.Cli.Datasets;

namespace Vectron.Cli.Tests.Datasets;

public sealed class TexmexFormatTests
{
    [Fact]
    public void Fvecs_RoundTripsThroughAFile()
    {
        using var temp = new TempDirectory();
        var matrix = new DenseMatrix<float>(3, 4, [1, 2, 3, 4, -5.5f, 6, 7e-8f, 8, float.MaxValue, 0, -0f, 12]);
        TexmexFormat.WriteFvecs(temp.File("a.fvecs"), matrix);

        DenseMatrix<float> read = TexmexFormat.ReadFvecs(temp.File("a.fvecs"));

        Assert.Equal(3, read.Rows);
        Assert.Equal(4, read.Columns);
        Assert.Equal(matrix.Data, read.Data);
        Assert.Equal(3 * (4 + (4 * 4)), new FileInfo(temp.File("a.fvecs")).Length);
    }

    [Fact]
    public void Ivecs_RoundTripsThroughAFile()
    {
        using var temp = new TempDirectory();
        var matrix = new DenseMatrix<int>(2, 3, [0, -1, int.MaxValue, 7, int.MinValue, 42]);
        TexmexFormat.WriteIvecs(temp.File("a.ivecs"), matrix);

        DenseMatrix<int> read = TexmexFormat.ReadIvecs(temp.File("a.ivecs"));

        Assert.Equal((2, 3), (read.Rows, read.Columns));
        Assert.Equal(matrix.Data, read.Data);
    }

    [Fact]
    public void Bvecs_RoundTripsAndWidensToFloat()
    {
        using var temp = new TempDirectory();
        var matrix = new DenseMatrix<byte>(2, 2, [0, 255, 17, 128]);
        TexmexFormat.WriteBvecs(temp.File("a.bvecs"), matrix);

        DenseMatrix<float> read = TexmexFormat.ReadVectors(temp.File("a.bvecs"));

        Assert.Equal((2, 2), (read.Rows, read.Columns));
        Assert.Equal([0f, 255f, 17f, 128f], read.Data);
        Assert.Equal(2 * (4 + 2), new FileInfo(temp.File("a.bvecs")).Length);
    }

    [Fact]
    public void Read_TruncatedFile_ThrowsNamingTheFileAndTheLeftover()
    {
        using var temp = new TempDirectory();
        string path = temp.File("cut.fvecs");
        TexmexFormat.WriteFvecs(path, new DenseMatrix<float>(3, 4, new float[12]));
        byte[] bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^5]);

        var error = Assert.Throws<InvalidDataException>(() => TexmexFormat.ReadFvecs(path));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("truncated", error.Message, StringComparison.Ordinal);
        Assert.Contains("2 complete records", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_RecordWithAnotherDimension_Throws()
    {
        using var temp = new TempDirectory();
        string path = temp.File("mixed.ivecs");
        // Two records of 8 bytes each: dimension 1 then a record claiming dimension 2.
        File.WriteAllBytes(path, [1, 0, 0, 0, 5, 0, 0, 0, 2, 0, 0, 0, 6, 0, 0, 0]);

        var error = Assert.Throws<InvalidDataException>(() => TexmexFormat.ReadIvecs(path));

        Assert.Contains("record 1 has dimension 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_ImplausibleDimension_Throws()
    {
        using var temp = new TempDirectory();
        string path = temp.File("text.fvecs");
        File.WriteAllText(path, "hello world, not vectors");

        var error = Assert.Throws<InvalidDataException>(() => TexmexFormat.ReadFvecs(path));

        Assert.Contains("first record has dimension", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadVectors_UnknownExtension_Throws()
    {
        using var temp = new TempDirectory();
        string path = temp.File("a.npy");
        File.WriteAllBytes(path, [1, 2, 3]);

        Assert.Throws<InvalidDataException>(() => TexmexFormat.ReadVectors(path));
    }
}
