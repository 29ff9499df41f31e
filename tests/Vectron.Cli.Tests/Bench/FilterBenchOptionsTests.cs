using Vectron.Cli.Bench;
using Vectron.Cli.CommandLine;
using Vectron.Index;

namespace Vectron.Cli.Tests.Bench;

public sealed class FilterBenchOptionsTests
{
    [Fact]
    public void Parse_ReadsEveryArgument()
    {
        string[] args =
        [
            "--dataset", "/d/sift", "--metric", "cosine", "--m", "12", "--ef-construct", "100", "--ef", "48", "--k", "5",
            "--selectivities", "0.01, 0.2,0.05", "--threads", "3", "--queries", "50", "--table", "--min-seconds", "0.5", "--jit-warmup", "0",
        ];

        FilterBenchOptions options = FilterBenchOptions.Parse(args);

        Assert.Equal("/d/sift", options.Data.Directory);
        Assert.Equal(DistanceMetric.Cosine, options.Data.Metric);
        Assert.Equal(50, options.Data.Queries);
        Assert.Equal(12, options.M);
        Assert.Equal(100, options.EfConstruction);
        Assert.Equal(48, options.Ef);
        Assert.Equal(5, options.K);
        Assert.Equal([0.01, 0.05, 0.2], options.Selectivities);
        Assert.Equal(3, options.Threads);
        Assert.True(options.Table);
        Assert.Equal(0.5, options.MinSeconds);
        Assert.Equal(0, options.JitWarmupSeconds);
    }

    [Fact]
    public void Parse_Defaults_MatchTheDocumentedOnes()
    {
        FilterBenchOptions options = FilterBenchOptions.Parse(["--synthetic-n=5000", "--seed", "7"]);

        Assert.Null(options.Data.Directory);
        Assert.Null(options.Data.Metric);
        Assert.Equal(5000, options.Data.SyntheticCount);
        Assert.Equal(7UL, options.Data.Seed);
        Assert.Equal((16, 200, 64, 10), (options.M, options.EfConstruction, options.Ef, options.K));
        Assert.Equal([0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2], options.Selectivities);
        Assert.False(options.Table);
        Assert.Equal(4_000, options.IndexOptions(8, DistanceMetric.L2).FlatSearchThreshold);
        Assert.Equal(QuantizationKind.None, options.IndexOptions(8, DistanceMetric.L2).Quantization);
    }

    [Fact]
    public void Parse_Selectivities_AreRoundedToWholeMillionths()
    {
        FilterBenchOptions options = FilterBenchOptions.Parse(["--selectivities", "1,0.0000014,0.5"]);

        Assert.Equal([0.000001, 0.5, 1.0], options.Selectivities);
    }

    [Theory]
    [InlineData("0", "--selectivities: 0 admits nothing")]
    [InlineData("0.0000004", "admits nothing; the smallest selectivity is 0.000001")]
    [InlineData("-0.1", "--selectivities: -0.1 is out of range")]
    [InlineData("1.5", "--selectivities: 1.5 is out of range")]
    [InlineData("0.1,abc", "--selectivities: expected a number, got 'abc'")]
    [InlineData("NaN", "--selectivities: expected a number, got 'NaN'")]
    [InlineData("0.1,,0.2", "--selectivities: expected a comma-separated list of numbers")]
    [InlineData("0.01,0.02,0.010", "--selectivities: 0.01 is listed twice")]
    [InlineData("10%", "--selectivities: expected a number, got '10%'")]
    public void Parse_BadSelectivities_AreUsageErrors(string selectivities, string expected)
    {
        var error = Assert.Throws<CliException>(() => FilterBenchOptions.Parse(["--selectivities", selectivities]));

        Assert.Equal(CliException.UsageExitCode, error.ExitCode);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "--dataset", "/d", "--synthetic-dim", "8" }, "--synthetic-dim describes the generated dataset")]
    [InlineData(new[] { "--k", "0" }, "--k: 0 is out of range")]
    [InlineData(new[] { "--ef", "0" }, "--ef: 0 is out of range")]
    [InlineData(new[] { "--ef", "10,20" }, "--ef: expected a whole number, got '10,20'")]
    [InlineData(new[] { "--m", "16", "--ef-construct", "8" }, "EfConstruction must be between M (16) and 10000, got 8. (--m, --ef-construct)")]
    [InlineData(new[] { "--quantization", "int8" }, "unknown option '--quantization' for 'vectron bench filter'")]
    [InlineData(new[] { "--metric", "dot" }, "--metric: expected one of l2, cosine")]
    public void Parse_BadArguments_AreUsageErrors(string[] args, string expected)
    {
        var error = Assert.Throws<CliException>(() => FilterBenchOptions.Parse(args));

        Assert.Equal(CliException.UsageExitCode, error.ExitCode);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
