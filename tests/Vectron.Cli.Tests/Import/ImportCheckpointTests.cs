using Vectron.Cli.Import;

namespace Vectron.Cli.Tests.Import;

public sealed class ImportCheckpointTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void WriteThenRead_RoundTrips_AndMatchesTheSameFile()
    {
        string source = Path.Combine(_directory.Path, "a.fvecs");
        PointFiles.WriteFvecs(source, PointFiles.Rows(3, 2));
        string path = Path.Combine(_directory.Path, "sub", "c.json");
        var checkpoint = ImportCheckpoint.For(source, "docs", 2);
        checkpoint.Write(path);
        var read = ImportCheckpoint.Read(path);
        Assert.Equal(checkpoint, read);
        Assert.True(read!.Matches(ImportCheckpoint.For(source, "docs", 0)));
        Assert.False(read.Matches(ImportCheckpoint.For(source, "other", 0)));
        Assert.False(File.Exists(path + ".tmp"));
    }

    [Fact]
    public void ChangedSourceFile_NoLongerMatches()
    {
        string source = Path.Combine(_directory.Path, "a.fvecs");
        PointFiles.WriteFvecs(source, PointFiles.Rows(3, 2));
        var before = ImportCheckpoint.For(source, "docs", 1);
        PointFiles.WriteFvecs(source, PointFiles.Rows(4, 2));
        Assert.False(before.Matches(ImportCheckpoint.For(source, "docs", 0)));
    }

    [Fact]
    public void Missing_ReadsAsNull()
    {
        Assert.Null(ImportCheckpoint.Read(Path.Combine(_directory.Path, "none.json")));
    }

    [Theory]
    [InlineData("\"points_done\": 2", "\"points_done\": 3", "checksum mismatch")]
    [InlineData("\"version\": 1", "\"version\": 7", "version 7")]
    [InlineData("{", "[", "damaged")]
    public void Damaged_IsAnErrorThatSuggestsRestart(string find, string replace, string expected)
    {
        string source = Path.Combine(_directory.Path, "a.fvecs");
        PointFiles.WriteFvecs(source, PointFiles.Rows(3, 2));
        string path = Path.Combine(_directory.Path, "c.json");
        ImportCheckpoint.For(source, "docs", 2).Write(path);
        string text = File.ReadAllText(path);
        Assert.Contains(find, text, StringComparison.Ordinal);
        File.WriteAllText(path, text.Replace(find, replace, StringComparison.Ordinal));
        var error = Assert.Throws<InvalidDataException>(() => ImportCheckpoint.Read(path));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Contains("--restart", error.Message, StringComparison.Ordinal);
    }
}
