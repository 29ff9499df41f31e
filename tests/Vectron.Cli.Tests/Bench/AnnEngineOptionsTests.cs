using Vectron.Cli.Bench;
using Vectron.Cli.CommandLine;
using Vectron.Index;

namespace Vectron.Cli.Tests.Bench;

public sealed class AnnEngineOptionsTests
{
    [Fact]
    public void Parse_HarnessCommandLine_ReadsEveryArgument()
    {
        string[] args =
        [
            "--base", "/d/b.fvecs", "--query", "/d/q.fvecs", "--metric", "cosine", "--k", "10",
            "--sweep", "10,16,24", "--build-threads", "2", "--search-threads", "1,2",
            "--params", """{"M":16,"ef_construction":200,"quantization":"int8"}""", "--out-dir", "/tmp/o", "--build-1t",
        ];

        AnnEngineOptions options = AnnEngineOptions.Parse(args);

        Assert.Equal("/d/b.fvecs", options.BasePath);
        Assert.Equal("/d/q.fvecs", options.QueryPath);
        Assert.Equal(DistanceMetric.Cosine, options.Metric);
        Assert.Equal(10, options.K);
        Assert.Equal([10, 16, 24], options.Sweep);
        Assert.Equal(2, options.BuildThreads);
        Assert.Equal([1, 2], options.SearchThreads);
        Assert.Equal(new EngineParameters(16, 200, QuantizationKind.Int8), options.Parameters);
        Assert.Equal("/tmp/o", options.OutDirectory);
        Assert.True(options.BuildSingleThreaded);
        Assert.Equal(100, options.Warmup);
    }

    [Fact]
    public void Parse_EqualsForm_AndDefaults()
    {
        AnnEngineOptions options = AnnEngineOptions.Parse(["--base=b.fvecs", "--query=q.fvecs", "--warmup=0"]);

        Assert.Equal(DistanceMetric.L2, options.Metric);
        Assert.Equal(AnnEngineOptions.DefaultSweep, options.Sweep);
        Assert.False(options.BuildSingleThreaded);
        Assert.Equal(0, options.Warmup);
        Assert.Equal(EngineParameters.Default, options.Parameters);
    }

    [Theory]
    [InlineData(new[] { "--query", "q.fvecs" }, "needs --base")]
    [InlineData(new[] { "--base", "b", "--query", "q", "--k", "ten" }, "--k: expected a whole number, got 'ten'")]
    [InlineData(new[] { "--base", "b", "--query", "q", "--k", "0" }, "--k: 0 is out of range")]
    [InlineData(new[] { "--base", "b", "--query", "q", "--sweep", "10,,16" }, "--sweep")]
    [InlineData(new[] { "--base", "b", "--query", "q", "--metric", "hamming" }, "--metric: expected one of l2, cosine")]
    [InlineData(new[] { "--base", "b", "--query", "q", "--index-cache", "x" }, "unknown option '--index-cache'")]
    [InlineData(new[] { "--base", "b", "--query", "q", "--base", "c" }, "--base is given twice")]
    [InlineData(new[] { "--base", "--query", "q" }, "--base needs a value")]
    [InlineData(new[] { "--base", "b", "--query", "q", "stray" }, "unexpected argument 'stray'")]
    [InlineData(new[] { "--base", "b", "--query", "q", "--params", "{\"M\":1}" }, "M must be between 2 and 128, got 1.")]
    public void Parse_BadArguments_AreUsageErrors(string[] args, string expected)
    {
        var error = Assert.Throws<CliException>(() => AnnEngineOptions.Parse(args));

        Assert.Equal(CliException.UsageExitCode, error.ExitCode);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
