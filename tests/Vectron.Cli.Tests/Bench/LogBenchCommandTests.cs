using System.Text.Json;
using Vectron.Cli.Bench;
using Vectron.Cli.CommandLine;

namespace Vectron.Cli.Tests.Bench;

public sealed class LogBenchCommandTests
{
    [Fact]
    public void Run_Short_PrintsOneJsonObjectWithEveryField_AndRecovery()
    {
        using var directory = new TempDirectory();
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        int exit = CliApplication.Run(
            ["bench", "log", "--writers", "4", "--groups", "2", "--entry-size", "64", "--seconds", "0.2", "--segment-mb", "1", "--recovery-mb", "3", "--dir", directory.Path],
            stdout,
            stderr);

        Assert.True(exit == 0, stderr.ToString());
        var lines = stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var json = Assert.Single(lines);
        var root = JsonDocument.Parse(json).RootElement;
        foreach (string field in (string[])["entries_per_sec", "bytes_per_sec", "fsyncs_per_sec", "p50_ms", "p99_ms", "raw_bytes_per_sec", "log_vs_raw", "recovery_open_sec", "sequential_read_twice_sec"])
        {
            Assert.True(root.GetProperty(field).GetDouble() > 0, $"{field} in {json}");
        }

        Assert.True(root.GetProperty("recovery_replayed_bytes").GetInt64() >= 3 << 20, json);
        Assert.Equal(4, root.GetProperty("writers").GetInt32());
    }

    [Fact]
    public void Parse_RejectsOutOfRangeAndUnknownOptions()
    {
        Assert.Throws<CliException>(() => LogBenchOptions.Parse(["--writers", "0"]));
        Assert.Throws<CliException>(() => LogBenchOptions.Parse(["--seconds", "abc"]));
        Assert.Throws<CliException>(() => LogBenchOptions.Parse(["--bogus", "1"]));
        var options = LogBenchOptions.Parse(["--writers", "16", "--entry-size", "1024", "--groups", "100", "--seconds", "2"]);
        Assert.Equal((16, 1024, 100, 2.0), (options.Writers, options.EntrySize, options.Groups, options.Seconds));
    }

    [Fact]
    public void Help_DescribesTheFields()
    {
        var stdout = new StringWriter();
        Assert.Equal(0, CliApplication.Run(["bench", "log", "--help"], stdout, new StringWriter()));
        Assert.Contains("raw_bytes_per_sec", stdout.ToString(), StringComparison.Ordinal);
    }
}
