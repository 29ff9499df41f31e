using System.Globalization;
using System.Text.RegularExpressions;

namespace Vectron.Cli.Tests.Bench;

public sealed partial class RestBenchCommandTests
{
    [Fact]
    public void BenchRest_ImportsThroughRest_AndReportsSearchFiguresPerEf()
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int exit = CliApplication.Run(
            ["bench", "rest", "--synthetic-n", "600", "--synthetic-dim", "8", "--queries", "20", "--ef", "16,64", "--seconds", "0.2", "--clients", "2", "--batch", "100"],
            stdout, stderr);

        Assert.True(exit == 0, stderr.ToString());
        string text = stdout.ToString();
        Assert.Contains("wait=true", text, StringComparison.Ordinal);
        var rows = Row().Matches(text);
        Assert.Equal(["16", "64"], rows.Select(row => row.Groups[1].Value).ToArray());
        foreach (Match row in rows)
        {
            // A small exact-enough set: the REST path and the bare index both find the true neighbours.
            Assert.True(double.Parse(row.Groups[2].Value, CultureInfo.InvariantCulture) >= 0.9, text);
            Assert.True(double.Parse(row.Groups[3].Value, CultureInfo.InvariantCulture) >= 0.9, text);
        }
    }

    [Fact]
    public void BenchRest_Help_NamesItsOptions()
    {
        var stdout = new StringWriter();
        Assert.Equal(0, CliApplication.Run(["bench", "rest", "--help"], stdout, new StringWriter()));
        Assert.Contains("--clients N", stdout.ToString(), StringComparison.Ordinal);
        Assert.Contains("--baseline-threads N", stdout.ToString(), StringComparison.Ordinal);
    }

    // ef, REST QPS, p50, p99, p99/p50, recall, same-shards QPS, ratio, bare QPS, bare recall, ratio.
    [GeneratedRegex(@"^\s+(\d+)\s+\d+\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+([\d.]+)\s+\d+\s+[\d.]+\s+\d+\s+([\d.]+)\s+[\d.]+\s*$", RegexOptions.Multiline)]
    private static partial Regex Row();
}
