using System.Text.Json;
using Vectron.Cli.Bench;
using Vectron.Cli.Bench.Processes;
using Vectron.Cli.CommandLine;

namespace Vectron.Cli.Tests.Bench;

/// <summary>
/// <c>vectron bench raft --processes</c> and <c>bench failover</c> with real node processes (and etcd): the JSON they
/// print and that no child process is left afterwards. Never their speed.
/// </summary>
[Collection(ProcessBenchCollection.Name)]
public sealed class ProcessRaftBenchTests
{
    [Fact]
    public void RaftProcesses_Short_PrintsTheFields_AndLeavesNoProcess()
    {
        using var directory = new TempDirectory();
        var (exit, lines, stderr) = Run(["bench", "raft", "--processes", "--members", "3", "--clients", "2", "--value-size", "256", "--seconds", "1", "--warmup", "0.5",
            "--snapshot-every", "20", "--dir", directory.Path]);

        Assert.True(exit == 0, stderr);
        var root = Assert.Single(lines);
        Assert.Equal("vectron", root.GetProperty("system").GetString());
        Assert.Equal(3, root.GetProperty("members").GetInt32());
        Assert.Equal(2, root.GetProperty("clients").GetInt32());
        Assert.Equal(256, root.GetProperty("value_size").GetInt32());
        Assert.True(root.GetProperty("writes_per_sec").GetDouble() > 0, root.ToString());
        double p50 = root.GetProperty("p50_ms").GetDouble(), p99 = root.GetProperty("p99_ms").GetDouble();
        Assert.True(p50 > 0 && p99 >= p50, root.ToString());
        Assert.True(root.GetProperty("failed").GetInt64() >= 0);
        Assert.Matches(@"rep 1 vectron: .*p99 by second \d+\.\d\d", stderr);
        // The nodes were told to snapshot every 20 entries: each wrote snapshots.
        foreach (string node in Directory.GetDirectories(directory.Path, "node-*", SearchOption.AllDirectories))
        {
            Assert.NotEmpty(Directory.GetFiles(Path.Combine(node, "snapshots"), "*.snap", SearchOption.AllDirectories));
        }
        Assert.Equal(3, Directory.GetDirectories(directory.Path, "node-*", SearchOption.AllDirectories).Length);
        ProcessTable.AssertNoneMatching(directory.Path);
    }

    [Fact]
    public void RaftProcesses_VersusEtcd_MeasuresBoth_AndLeavesNoProcess()
    {
        Assert.True(EtcdCluster.FindExecutable() is not null, $"etcd is not installed; the --vs-etcd benchmark needs it: {EtcdCluster.InstallHint}");
        using var directory = new TempDirectory();
        var (exit, lines, stderr) = Run(["bench", "raft", "--processes", "--vs-etcd", "--clients", "2", "--seconds", "1", "--warmup", "0.5", "--dir", directory.Path]);

        Assert.True(exit == 0, stderr);
        Assert.Equal(3, lines.Count);
        Assert.Equal(["vectron", "etcd"], lines.Take(2).Select(line => line.GetProperty("system").GetString()));
        Assert.StartsWith("3.4", lines[1].GetProperty("version").GetString(), StringComparison.Ordinal);
        foreach (var line in lines.Take(2))
        {
            Assert.True(line.GetProperty("writes_per_sec").GetDouble() > 0, line.ToString());
            Assert.True(line.GetProperty("p99_ms").GetDouble() > 0, line.ToString());
            // etcd runs under a shell: its CPU is counted only if the child processes are.
            Assert.True(line.GetProperty("cpu_us_per_write").GetDouble() > 0, line.ToString());
            Assert.True(line.GetProperty("client_cpu_us_per_write").GetDouble() > 0, line.ToString());
        }

        var ratio = lines[2];
        Assert.Equal("raft-processes-ratio", ratio.GetProperty("benchmark").GetString());
        double expected = lines[0].GetProperty("writes_per_sec").GetDouble() / lines[1].GetProperty("writes_per_sec").GetDouble();
        Assert.Equal(expected, ratio.GetProperty("throughput_vectron_over_etcd").GetDouble(), expected * 0.01);
        Assert.True(ratio.GetProperty("p99_vectron_over_etcd").GetDouble() > 0);
        ProcessTable.AssertNoneMatching(directory.Path);
    }

    [Fact]
    public void Failover_OneKill_ReportsTheOutage_AndLeavesNoProcess()
    {
        using var directory = new TempDirectory();
        var (exit, lines, stderr) = Run(["bench", "failover", "--kills", "1", "--clients", "2", "--settle-seconds", "0", "--dir", directory.Path]);

        Assert.True(exit == 0, stderr);
        Assert.Equal(2, lines.Count);
        var kill = lines[0];
        Assert.Equal("failover", kill.GetProperty("benchmark").GetString());
        int killed = kill.GetProperty("killed_node").GetInt32();
        int leader = kill.GetProperty("new_leader").GetInt32();
        Assert.InRange(killed, 1, 3);
        Assert.InRange(leader, 1, 3);
        Assert.NotEqual(killed, leader);
        // A new leader needs an election timeout of silence first (1 s, less the time since the last heartbeat).
        Assert.True(kill.GetProperty("outage_ms").GetDouble() > 500, kill.ToString());
        Assert.True(kill.GetProperty("caught_up_to_index").GetUInt64() > 0, kill.ToString());
        var summary = lines[1];
        Assert.Equal(1, summary.GetProperty("kills").GetInt32());
        Assert.Equal(kill.GetProperty("outage_ms").GetDouble(), summary.GetProperty("max_outage_ms").GetDouble());
        Assert.Equal(2000, summary.GetProperty("bar_max_ms").GetDouble());
        ProcessTable.AssertNoneMatching(directory.Path);
    }

    [Fact]
    public void Parse_ProcessOptions_NeedProcesses()
    {
        Assert.Throws<CliException>(() => RaftBenchOptions.Parse(["--vs-etcd"]));
        Assert.Throws<CliException>(() => RaftBenchOptions.Parse(["--heartbeat-ms", "50"]));
        Assert.Throws<CliException>(() => RaftBenchOptions.Parse(["--processes", "--idle-groups", "5"]));
        Assert.Throws<CliException>(() => RaftBenchOptions.Parse(["--processes", "--heartbeat-ms", "100", "--election-ms", "150"]));
        var options = RaftBenchOptions.Parse(["--processes", "--vs-etcd", "--heartbeat-ms", "50", "--election-ms", "500"]);
        Assert.True(options.Processes && options.VersusEtcd);
        Assert.Equal((50, 500), (options.HeartbeatMilliseconds, options.ElectionMilliseconds));
        Assert.Equal(RaftBenchOptions.DefaultSnapshotEvery, options.SnapshotEvery);
        Assert.Equal(500, RaftBenchOptions.Parse(["--processes", "--snapshot-every", "500"]).SnapshotEvery);
        Assert.Throws<CliException>(() => RaftBenchOptions.Parse(["--snapshot-every", "500"]));
        Assert.Throws<CliException>(() => RaftBenchOptions.Parse(["--processes", "--snapshot-every", "0"]));
        Assert.Throws<CliException>(() => FailoverBenchOptions.Parse(["--kills", "0"]));
        Assert.Equal(20, FailoverBenchOptions.Parse(["--kills", "20"]).Kills);
    }

    [Fact]
    public void ProcessWarmup_DefaultsToSteadyState_AndFollowsTheFlag()
    {
        // 65 s by default: the nodes' runtime compiles code called once a second in bursts for a minute after start.
        Assert.Equal(65, RaftBenchOptions.Parse(["--processes", "--seconds", "5"]).ProcessWarmupSeconds);
        Assert.Equal(120, RaftBenchOptions.Parse(["--processes", "--seconds", "600"]).ProcessWarmupSeconds);
        Assert.Equal(2.5, RaftBenchOptions.Parse(["--processes", "--warmup", "2.5"]).ProcessWarmupSeconds);
    }

    [Fact]
    public void Help_DescribesTheProcessBenchmarks()
    {
        var stdout = new StringWriter();
        Assert.Equal(0, CliApplication.Run(["bench", "failover", "--help"], stdout, new StringWriter()));
        Assert.Contains("outage_ms", stdout.ToString(), StringComparison.Ordinal);
        stdout = new StringWriter();
        Assert.Equal(0, CliApplication.Run(["bench", "raft", "--help"], stdout, new StringWriter()));
        Assert.Contains("--vs-etcd", stdout.ToString(), StringComparison.Ordinal);
    }

    private static (int Exit, List<JsonElement> Lines, string Stderr) Run(string[] arguments)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int exit = CliApplication.Run(arguments, stdout, stderr);
        var lines = stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement).ToList();
        return (exit, lines, $"{stderr}\n{stdout}");
    }
}

/// <summary>The multi-process tests start several processes each; on two cores they run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessBenchCollection
{
    public const string Name = "process benchmarks";
}
