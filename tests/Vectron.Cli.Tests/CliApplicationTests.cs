using System.Text.Json;
using Vectron.Cli.Datasets;

namespace Vectron.Cli.Tests;

public sealed class CliApplicationTests
{
    [Theory]
    [InlineData(new[] { "--help" }, "bench ann-engine")]
    [InlineData(new[] { "bench", "--help" }, "vectron bench ann [options]")]
    [InlineData(new[] { "bench", "ann", "--help" }, "--ef-construct")]
    [InlineData(new[] { "bench", "ann-engine", "-h" }, "--build-1t")]
    [InlineData(new[] { "--help" }, "bench filter")]
    [InlineData(new[] { "bench", "--help" }, "vectron bench filter [options]")]
    [InlineData(new[] { "bench", "filter", "--help" }, "--selectivities LIST")]
    public void Help_PrintsToStandardOutput_AndSucceeds(string[] args, string expected)
    {
        var stdout = new StringWriter();

        Assert.Equal(0, CliApplication.Run(args, stdout, new StringWriter()));
        Assert.Contains(expected, stdout.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Version_PrintsTheProgramVersion()
    {
        var stdout = new StringWriter();

        Assert.Equal(0, CliApplication.Run(["--version"], stdout, new StringWriter()));
        Assert.StartsWith("vectron ", stdout.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "frobnicate" }, 2, "unknown command 'frobnicate'")]
    [InlineData(new[] { "bench", "knn" }, 2, "unknown command 'vectron bench knn'")]
    [InlineData(new[] { "bench", "ann", "--m", "x" }, 2, "--m: expected a whole number, got 'x'")]
    [InlineData(new[] { "bench", "ann", "--k", "5" }, 2, "--k: 5 is out of range")]
    [InlineData(new[] { "bench", "ann", "--dataset", "/nonexistent/dir" }, 1, "dataset folder '/nonexistent/dir' does not exist")]
    [InlineData(new[] { "bench", "ann", "--dataset", "/tmp", "--seed", "3" }, 2, "--seed describes the generated dataset")]
    [InlineData(new[] { "bench", "filter", "--selectivities", "0.1,2" }, 2, "--selectivities: 2 is out of range")]
    [InlineData(new[] { "bench", "filter", "--dataset", "/nonexistent/dir" }, 1, "dataset folder '/nonexistent/dir' does not exist")]
    [InlineData(new[] { "bench", "ann-engine", "--base", "/nonexistent/b.fvecs", "--query", "/nonexistent/q.fvecs" }, 1, "--base: file '/nonexistent/b.fvecs' does not exist")]
    public void BadInput_FailsWithAOneLineMessage(string[] args, int exitCode, string expected)
    {
        var stderr = new StringWriter();
        var stdout = new StringWriter();

        int exit = CliApplication.Run(args, stdout, stderr);

        Assert.Equal(exitCode, exit);
        Assert.Equal(string.Empty, stdout.ToString());
        string message = stderr.ToString();
        string errorLine = Assert.Single(message.ReplaceLineEndings("\n").Split('\n'), l => l.StartsWith("vectron: error: ", StringComparison.Ordinal));
        Assert.Contains(expected, errorLine, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", message, StringComparison.Ordinal);
    }

    [Fact]
    public void BenchAnn_Synthetic_PrintsOneJsonLinePerEf()
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        int exit = CliApplication.Run(
            ["bench", "ann", "--synthetic-n", "600", "--synthetic-dim", "8", "--queries", "20", "--ef", "10,40", "--threads", "2", "--warmup", "5", "--m", "8", "--ef-construct", "40", "--min-seconds", "0.01", "--jit-warmup", "0.05"],
            stdout, stderr);

        Assert.True(exit == 0, stderr.ToString());
        string[] lines = stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        JsonElement last = JsonDocument.Parse(lines[1]).RootElement;
        Assert.Equal(40, last.GetProperty("ef").GetInt32());
        Assert.Equal("synthetic", last.GetProperty("dataset").GetString());
        Assert.Equal(SyntheticDataset.DefaultSeed, last.GetProperty("seed").GetUInt64());
        Assert.Equal(600, last.GetProperty("n").GetInt32());
        Assert.Equal(20, last.GetProperty("queries").GetInt32());
        Assert.InRange(last.GetProperty("recall_at_10").GetDouble(), 0.9, 1.0);
        foreach (string key in (string[])["qps_1_thread", "qps_n_threads", "p50_ms", "p99_ms", "build_seconds", "bytes_per_vector"])
        {
            Assert.True(last.GetProperty(key).GetDouble() > 0, key);
        }
    }

    [Fact]
    public void BenchAnn_Table_PrintsHeaderAndOneRowPerEf()
    {
        var stdout = new StringWriter();

        int exit = CliApplication.Run(
            ["bench", "ann", "--table", "--synthetic-n", "300", "--synthetic-dim", "4", "--queries", "10", "--ef", "10,20,30", "--threads", "1", "--warmup", "0", "--min-seconds", "0", "--jit-warmup", "0"],
            stdout, new StringWriter());

        Assert.Equal(0, exit);
        string[] lines = stdout.ToString().ReplaceLineEndings("\n").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("dataset   synthetic Gaussian mixture (seed 20240601)", lines[0], StringComparison.Ordinal);
        int heading = Array.FindIndex(lines, l => l.Contains("recall@10", StringComparison.Ordinal));
        Assert.Equal(3, lines.Length - heading - 2);
        Assert.Equal(lines[heading].Length, lines[^1].Length);
    }
}
