namespace Vectron.Rpc.Tests.Raft;

/// <summary>Three Raft hosts talking over <see cref="Vectron.Rpc.Raft.RpcRaftTransport"/> on loopback sockets.</summary>
public sealed class RaftOverRpcTests
{
    [Fact]
    public async Task ThreeHosts_ElectALeader_AndCommitProposals_OnEveryNode()
    {
        await using var cluster = new RpcCluster(3);
        foreach (var id in cluster.Nodes.Keys)
        {
            await cluster.StartNodeAsync(id);
        }

        var expected = new Dictionary<string, string>();
        for (int i = 0; i < 20; i++)
        {
            await cluster.ProposeAsync($"k{i}", $"v{i}");
            expected[$"k{i}"] = $"v{i}";
        }

        foreach (var id in cluster.Nodes.Keys)
        {
            await cluster.WaitForValuesAsync(id, expected);
        }
    }

    [Fact]
    public async Task StoppedFollower_RestartedOnANewPort_CatchesUp()
    {
        await using var cluster = new RpcCluster(3);
        foreach (var id in cluster.Nodes.Keys)
        {
            await cluster.StartNodeAsync(id);
        }

        await cluster.ProposeAsync("before", "1");
        var leader = await cluster.WaitForLeaderAsync();
        var follower = cluster.Nodes.Keys.First(id => id != leader.Id);
        await cluster.StopNodeAsync(follower);

        // The leader keeps committing with the other node; its sends to the stopped one fail and are reported.
        var expected = new Dictionary<string, string> { ["before"] = "1" };
        for (int i = 0; i < 10; i++)
        {
            await cluster.ProposeAsync($"while-down-{i}", $"{i}");
            expected[$"while-down-{i}"] = $"{i}";
        }

        await cluster.StartNodeAsync(follower);
        await cluster.WaitForValuesAsync(follower, expected);
    }

    [Fact]
    public async Task LaggingNode_IsSentASnapshot_InChunks_AndInstallsIt()
    {
        // Node 3 starts only after the others compacted their logs, so it can catch up by snapshot alone; every
        // restore it makes is one the transport delivered (it never had a snapshot of its own).
        await using var cluster = new RpcCluster(3, options => options with { SnapshotEveryEntries = 5, CompactionOverhead = 0 });
        await cluster.StartNodeAsync(1);
        await cluster.StartNodeAsync(2);
        var expected = new Dictionary<string, string>();
        for (int i = 0; i < 30; i++)
        {
            await cluster.ProposeAsync($"k{i}", new string('x', 50) + i);
            expected[$"k{i}"] = new string('x', 50) + i;
        }

        await cluster.StartNodeAsync(3);

        await cluster.WaitForValuesAsync(3, expected);
        Assert.True(cluster.Nodes[3].Machine!.Restores >= 1, "node 3 caught up without installing a snapshot");
    }
}
