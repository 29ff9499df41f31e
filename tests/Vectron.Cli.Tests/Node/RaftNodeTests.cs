using Google.Protobuf;
using Vectron.Cli.Bench.Processes;
using Vectron.Cli.CommandLine;
using Vectron.Cli.Node;
using Vectron.Cli.Tests.Bench;

namespace Vectron.Cli.Tests.Node;

/// <summary><c>vectron raft-node</c> as real processes: recovery from SIGKILL on the same directories, clean stops, options.</summary>
[Collection(ProcessBenchCollection.Name)]
public sealed class RaftNodeTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Nodes_KilledTogether_RecoverEveryCommittedWrite_FromTheirLogs()
    {
        using var directory = new TempDirectory();
        var processes = new ChildProcessGroup();
        await using (processes)
        {
            var cluster = await VectronProcessCluster.StartAsync(processes, directory.Path, members: 3, heartbeatMs: 50, electionMs: 500);
            await using (cluster)
            {
                int leader = await cluster.FindLeaderAsync(Timeout);
                var value = ByteString.CopyFromUtf8(new string('v', 256));
                for (ulong request = 1; request <= 50; request++)
                {
                    var result = await cluster.PutAsync(leader, clientId: 7, request, ByteString.CopyFromUtf8($"key-{request % 5}"), value);
                    Assert.True(result.Ok, result.Error);
                }

                ulong committed = (await cluster.StatusAsync(leader))!.CommitIndex;
                Assert.True(committed >= 50, $"commit index {committed}");

                // SIGKILL all three: nothing is flushed or closed; only what was fsynced survives.
                for (int member = 0; member < 3; member++)
                {
                    await cluster.KillAsync(member);
                }

                for (int member = 0; member < 3; member++)
                {
                    await cluster.RestartAsync(member);
                }

                leader = await cluster.FindLeaderAsync(Timeout);
                for (int member = 0; member < 3; member++)
                {
                    await Eventually(async () => (await cluster.StatusAsync(member))?.AppliedIndex >= committed, $"node {member + 1} applying index {committed} again");
                }

                var after = await cluster.PutAsync(leader, clientId: 7, 51, ByteString.CopyFromUtf8("key-after"), value);
                Assert.True(after.Ok, after.Error);
            }
        }

        ProcessTable.AssertNoneMatching(directory.Path);
    }

    [Fact]
    public async Task Node_StopsCleanly_WhenItsControlInputCloses()
    {
        using var directory = new TempDirectory();
        var (fileName, prefix) = VectronProcessCluster.SelfCommand();
        var processes = new ChildProcessGroup();
        await using (processes)
        {
            var node = processes.Start("node 1", fileName, [.. prefix, "raft-node", "--id", "1", "--data", directory.File("node"), "--control-stdin"], directory.File("node.log"));
            string ready = await node.WaitForLineAsync(line => line.StartsWith("{\"ready\":true", StringComparison.Ordinal), Timeout, "its ready line");
            Assert.Contains("\"node\":1", ready, StringComparison.Ordinal);

            await node.StopAsync(TimeSpan.FromSeconds(30));

            Assert.True(node.HasExited);
            Assert.True(node.ExitCode == 0, File.ReadAllText(directory.File("node.log")));
            Assert.Contains("stopping", File.ReadAllText(directory.File("node.log")), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Node_StopsCleanly_OnSigterm()
    {
        using var directory = new TempDirectory();
        var (fileName, prefix) = VectronProcessCluster.SelfCommand();
        var processes = new ChildProcessGroup();
        await using (processes)
        {
            // No --control-stdin: only the signal can stop it.
            var node = processes.Start("node 1", fileName, [.. prefix, "raft-node", "--id", "1", "--data", directory.File("node")], directory.File("node.log"));
            await node.WaitForLineAsync(line => line.StartsWith("{\"ready\":true", StringComparison.Ordinal), Timeout, "its ready line");

            using (var kill = System.Diagnostics.Process.Start("kill", ["-TERM", node.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
                Assert.Equal(0, kill.ExitCode);
            }

            await node.WaitForExitAsync().WaitAsync(Timeout);
            Assert.True(node.ExitCode == 0, File.ReadAllText(directory.File("node.log")));
            Assert.Contains("stopping", File.ReadAllText(directory.File("node.log")), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Options_ParsePeersAndMembers()
    {
        var options = RaftNodeOptions.Parse(["--id", "2", "--data", "d", "--peers", "1=127.0.0.1:7001,2=127.0.0.1:7002,3=", "--election-ms", "500", "--heartbeat-ms", "50"]);
        Assert.Equal([1UL, 2, 3], options.Members);
        Assert.Equal(new Uri("http://127.0.0.1:7001"), options.Peers[1]);
        Assert.False(options.Peers.ContainsKey(3));
        Assert.Equal((50, 500, 10), (options.HeartbeatMilliseconds, options.ElectionMilliseconds, options.TickMilliseconds));
        Assert.Equal(5, RaftNodeOptions.Parse(["--id", "1", "--data", "d", "--heartbeat-ms", "5", "--election-ms", "50"]).TickMilliseconds);
        Assert.Throws<CliException>(() => RaftNodeOptions.Parse(["--id", "1", "--data", "d", "--heartbeat-ms", "50", "--tick-ms", "20"]));
        Assert.Throws<CliException>(() => RaftNodeOptions.Parse(["--data", "d"]));
        Assert.Throws<CliException>(() => RaftNodeOptions.Parse(["--id", "1", "--data", "d", "--members", "2,3"]));
        Assert.Throws<CliException>(() => RaftNodeOptions.Parse(["--id", "1", "--data", "d", "--peers", "2=localhost"]));
        Assert.Throws<CliException>(() => RaftNodeOptions.Parse(["--id", "1", "--data", "d", "--election-ms", "250"]));
    }

    [Fact]
    public async Task StateMachine_SnapshotRoundTrips()
    {
        var machine = new BenchKvStateMachine();
        var results = new ReadOnlyMemory<byte>[2];
        machine.Apply([new(1, BenchKvStateMachine.Encode("a"u8, "1"u8)), new(2, BenchKvStateMachine.Encode("b"u8, "22"u8))], results);
        using var stream = new MemoryStream();
        await machine.SaveSnapshotAsync(stream, CancellationToken.None);
        stream.Position = 0;
        var restored = new BenchKvStateMachine();
        await restored.RestoreSnapshotAsync(stream, CancellationToken.None);

        Assert.Equal(2, restored.Count);
        Assert.Equal("22"u8.ToArray(), restored.Lookup("b"u8.ToArray()).ToArray());
    }

    private static async Task Eventually(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            await Task.Delay(50);
        }
    }
}
