using Vectron.Cli.Bench;
using Vectron.Cli.CommandLine;
using Vectron.Index;

namespace Vectron.Cli.Tests.Bench;

public sealed class EngineParametersTests
{
    [Fact]
    public void Parse_HarnessObject_ReadsEveryKey()
    {
        EngineParameters parameters = EngineParameters.Parse("""{"M": 24, "ef_construction": 300, "quantization": "int8"}""");

        Assert.Equal(new EngineParameters(24, 300, QuantizationKind.Int8), parameters);
        Assert.Equal("int8", parameters.QuantizationName);
    }

    [Fact]
    public void Parse_EmptyObject_GivesDefaults()
    {
        Assert.Equal(new EngineParameters(16, 200, QuantizationKind.None), EngineParameters.Parse("{}"));
    }

    [Theory]
    [InlineData("""{"M": "16"}""", "whole number")]
    [InlineData("""{"M": 16.5}""", "whole number")]
    [InlineData("""{"quantization": "pq"}""", "quantization")]
    [InlineData("""{"ef_search": 10}""", "unknown key 'ef_search'")]
    [InlineData("""[16, 200]""", "JSON object")]
    [InlineData("""{"M": 16""", "not valid JSON")]
    public void Parse_BadInput_IsAUsageError(string json, string expected)
    {
        var error = Assert.Throws<CliException>(() => EngineParameters.Parse(json));

        Assert.Equal(CliException.UsageExitCode, error.ExitCode);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
