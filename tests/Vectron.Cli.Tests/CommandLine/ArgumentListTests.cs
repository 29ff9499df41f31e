using System.Collections.Frozen;
using Vectron.Cli.CommandLine;

namespace Vectron.Cli.Tests.CommandLine;

public sealed class ArgumentListTests
{
    private static readonly FrozenSet<string> Values = FrozenSet.Create(StringComparer.Ordinal, "n", "seed", "ratio", "list");
    private static readonly FrozenSet<string> Flags = FrozenSet.Create(StringComparer.Ordinal, "table");

    [Fact]
    public void Parse_ReadsValuesFlagsAndDefaults()
    {
        ArgumentList list = ArgumentList.Parse("cmd", ["--n", "-3", "--seed=0x10", "--table", "--ratio", "0.25"], Values, Flags);

        Assert.Equal(-3, list.GetInt32("n", 0, -10, 10));
        Assert.Equal(16UL, list.GetUInt64("seed", 0));
        Assert.Equal(0.25, list.GetDouble("ratio", 1, 0, 1));
        Assert.True(list.Has("table"));
        Assert.Equal([1, 2], list.GetInt32List("list", [1, 2], 0, 10));
    }

    [Fact]
    public void GetDoubleList_ReadsTrimmedInvariantNumbers()
    {
        ArgumentList list = ArgumentList.Parse("cmd", ["--list", "0.5, 1e-3,2"], Values, Flags);

        Assert.Equal([0.5, 0.001, 2], list.GetDoubleList("list", [], 0, 2));
        Assert.Equal([9.0], ArgumentList.Parse("cmd", [], Values, Flags).GetDoubleList("list", [9.0], 0, 10));
    }

    [Theory]
    [InlineData(new[] { "--table=yes" }, "is a switch")]
    [InlineData(new[] { "--ratio", "1.5" }, "--ratio: 1.5 is out of range")]
    [InlineData(new[] { "--ratio", "NaN" }, "--ratio: expected a number")]
    [InlineData(new[] { "--seed", "-1" }, "--seed: expected a non-negative whole number")]
    [InlineData(new[] { "--n", "99999999999" }, "--n: expected a whole number")]
    [InlineData(new[] { "--n", "--table" }, "--n needs a value")]
    [InlineData(new[] { "--" }, "unexpected argument '--'")]
    public void Parse_BadValues_AreUsageErrors(string[] args, string expected)
    {
        var error = Assert.Throws<CliException>(() =>
        {
            ArgumentList list = ArgumentList.Parse("cmd", args, Values, Flags);
            list.GetDouble("ratio", 1, 0, 1);
            list.GetUInt64("seed", 0);
            list.GetInt32("n", 0, -10, 10);
        });

        Assert.Equal(CliException.UsageExitCode, error.ExitCode);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
