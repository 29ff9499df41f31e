using System.Text.Json;
using Vectron.Cli.Bench;
using Vectron.Cli.CommandLine;

namespace Vectron.Cli.Tests.Bench;

public sealed class ShardBenchCommandTests
{
    [Fact]
    public void Run_Small_PrintsOneJsonObjectWithEveryField()
    {
        using var directory = new TempDirectory();
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        int exit = CliApplication.Run(
            ["bench", "shard", "--synthetic-n", "600", "--synthetic-dim", "8", "--queries", "20", "--ef", "16,32", "--batch", "50", "--groups", "10", "--reps", "1", "--raw", "--dir", directory.Path],
            stdout,
            stderr);

        Assert.True(exit == 0, stderr.ToString());
        string json = Assert.Single(stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        JsonElement root = JsonDocument.Parse(json).RootElement;
        foreach (string field in (string[])["apply_points_per_sec", "tail_scan_qps", "index_points_per_sec", "raw_index_points_per_sec", "filtered_qps_no_index",
            "filtered_qps_keyword_index", "snapshot_save_sec", "snapshot_bytes", "snapshot_restore_sec",
            "rebuild_apply_ms", "rebuild_during_qps", "exact_scan_qps", "rebuild_sec", "rebuild_after_qps"])
        {
            Assert.True(root.GetProperty(field).GetDouble() > 0, $"{field} in {json}");
        }

        Assert.Equal(60, root.GetProperty("filtered_admitted").GetInt32());
        JsonElement[] searches = [.. root.GetProperty("search").EnumerateArray()];
        Assert.Equal([16, 32], searches.Select(s => s.GetProperty("ef").GetInt32()));
        Assert.All(searches, s => Assert.InRange(s.GetProperty("recall_at_10").GetDouble(), 0.8, 1.0));
        Assert.InRange(root.GetProperty("rebuild_during_recall_at_10").GetDouble(), 0.8, 1.0);
        Assert.InRange(root.GetProperty("rebuild_after_recall_at_10").GetDouble(), 0.8, 1.0);
        Assert.All(searches, s => Assert.InRange(s.GetProperty("raw_index_recall_at_10").GetDouble(), 0.8, 1.0));
        Assert.Empty(Directory.GetFiles(directory.Path));
    }

    [Fact]
    public void Parse_RejectsOutOfRangeAndUnknownOptions()
    {
        Assert.Throws<CliException>(() => ShardBenchOptions.Parse(["--batch", "0"]));
        Assert.Throws<CliException>(() => ShardBenchOptions.Parse(["--bogus", "1"]));
        ShardBenchOptions options = ShardBenchOptions.Parse(["--indexer-threads", "3", "--ef", "8,9", "--raw"]);
        Assert.Equal((3, true), (options.IndexerThreads, options.Raw));
        Assert.Equal([8, 9], options.Ef);
    }

    [Fact]
    public void Help_DescribesTheFields()
    {
        var stdout = new StringWriter();
        Assert.Equal(0, CliApplication.Run(["bench", "shard", "--help"], stdout, new StringWriter()));
        Assert.Contains("snapshot_restore_sec", stdout.ToString(), StringComparison.Ordinal);
    }
}
