using System.Text.Json;
using Vectron.Cli.Bench;
using Vectron.Cli.CommandLine;

namespace Vectron.Cli.Tests.Bench;

public sealed class RaftBenchCommandTests
{
    [Fact]
    public void Run_Short_CommitsWrites_AndPrintsOneJsonObject()
    {
        using var directory = new TempDirectory();
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        int exit = CliApplication.Run(
            ["bench", "raft", "--members", "3", "--clients", "4", "--value-size", "64", "--seconds", "0.5", "--dir", directory.Path],
            stdout,
            stderr);

        Assert.True(exit == 0, stderr.ToString());
        var json = Assert.Single(stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        var root = JsonDocument.Parse(json).RootElement;
        foreach (string field in (string[])["writes_per_sec", "p50_ms", "p99_ms", "leader_fsyncs_per_sec"])
        {
            Assert.True(root.GetProperty(field).GetDouble() > 0, $"{field} in {json}");
        }
        Assert.Equal(0, root.GetProperty("failed").GetInt64());
        Assert.Equal(4, root.GetProperty("clients").GetInt32());
    }

    [Fact]
    public void Run_IdleGroups_QuiesceAndReportCpu()
    {
        using var directory = new TempDirectory();
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        int exit = CliApplication.Run(["bench", "raft", "--idle-groups", "20", "--seconds", "0.5", "--dir", directory.Path], stdout, stderr);

        Assert.True(exit == 0, stderr.ToString());
        var root = JsonDocument.Parse(Assert.Single(stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries))).RootElement;
        Assert.Equal(20, root.GetProperty("idle_groups").GetInt32());
        Assert.True(root.GetProperty("cpu_percent_of_one_core").GetDouble() >= 0, stdout.ToString());
        // Quiesced: the groups were settled (no message for a second) before the timed phase, and stayed so.
        Assert.True(root.GetProperty("settle_sec").GetDouble() < 120, stdout.ToString());
        Assert.Equal(0, root.GetProperty("messages_per_sec").GetDouble());
    }

    [Fact]
    public void Parse_RejectsOutOfRangeAndUnknownOptions()
    {
        Assert.Throws<CliException>(() => RaftBenchOptions.Parse(["--members", "0"]));
        Assert.Throws<CliException>(() => RaftBenchOptions.Parse(["--clients", "x"]));
        Assert.Throws<CliException>(() => RaftBenchOptions.Parse(["--bogus", "1"]));
        var options = RaftBenchOptions.Parse(["--members", "5", "--clients", "256", "--value-size", "1024", "--seconds", "2"]);
        Assert.Equal((5, 256, 1024, 2.0), (options.Members, options.Clients, options.ValueSize, options.Seconds));
    }

    [Fact]
    public void Help_DescribesTheFields()
    {
        var stdout = new StringWriter();
        Assert.Equal(0, CliApplication.Run(["bench", "raft", "--help"], stdout, new StringWriter()));
        Assert.Contains("writes_per_sec", stdout.ToString(), StringComparison.Ordinal);
    }
}
