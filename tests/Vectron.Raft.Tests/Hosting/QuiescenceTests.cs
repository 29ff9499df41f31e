using Vectron.Raft.Hosting;
using static Vectron.Raft.Tests.Hosting.CounterStateMachine;

namespace Vectron.Raft.Tests.Hosting;

public sealed class QuiescenceTests
{
    private const int Seed = 777;

    [Fact]
    public async Task IdleGroups_StopSendingMessages_AndAProposalWakesThem()
    {
        await using var cluster = new TestCluster(Seed, 3);
        cluster.StartGroup(1, 1, 2, 3);
        cluster.StartGroup(2, 1, 2, 3);
        var leader = cluster.ElectLeader(1);
        cluster.ElectLeader(2);
        cluster.Await(cluster[leader].Host.ProposeAsync(1, 1, 1, Set("a", "1")));

        cluster.TickUntil(() => cluster.Nodes.Values.All(n => n.Host.GroupOf(1)!.Quiesced && n.Host.GroupOf(2)!.Quiesced),
            100, "every replica quiescing");
        var before = cluster.Network.DeliveredMessages;
        cluster.Tick(200);
        Assert.Equal(before, cluster.Network.DeliveredMessages);

        // A proposal through a follower wakes the group; it commits with the same leader.
        var follower = cluster.Nodes.Keys.First(id => id != leader);
        var result = cluster.Await(cluster[follower].Host.ProposeAsync(1, 1, 2, Set("a", "2")), 50);
        Assert.Equal(RaftOutcome.Ok, result.Outcome);
        Assert.Equal(leader, cluster.LeaderOf(1));
        Assert.True(cluster.Network.DeliveredMessagesOf(1) > 0);
        // The other group stayed asleep.
        Assert.True(cluster.Nodes.Values.All(n => n.Host.GroupOf(2)!.Quiesced), $"seed {Seed}: group 2 woke up");
    }

    [Fact]
    public async Task QuiescedGroup_WhoseLeaderDied_ElectsANewLeader_WhenAClientArrives()
    {
        await using var cluster = new TestCluster(Seed, 3);
        cluster.StartGroup(1, 1, 2, 3);
        var leader = cluster.ElectLeader(1);
        cluster.TickUntil(() => cluster.Nodes.Values.All(n => n.Host.GroupOf(1)!.Quiesced), 100, "quiescing");

        await cluster.StopAsync(leader);
        cluster.Network.Isolate(leader);
        var follower = cluster.Nodes.Keys.First(id => id != leader);
        // The first attempt is forwarded to the dead leader and times out; the client retries.
        var first = cluster.Await(cluster[follower].Host.ProposeAsync(1, 1, 1, Set("a", "1")), 200);
        Assert.Equal(RaftOutcome.Timeout, first.Outcome);
        cluster.TickUntil(() => cluster.LeaderOf(1) is not 0 and var l && l != leader, 200, "a new leader");
        var retry = cluster.Await(cluster[follower].Host.ProposeAsync(1, 1, 1, Set("a", "1")), 100);
        Assert.Equal(RaftOutcome.Ok, retry.Outcome);
    }

    [Fact]
    public async Task ThousandIdleGroups_AllQuiesce_SoTicksTouchNoGroup()
    {
        const int groups = 1000;
        await using var cluster = new TestCluster(Seed, 3);
        for (ulong group = 1; group <= groups; group++)
        {
            cluster.StartGroup(group, 1, 2, 3);
        }
        cluster.TickUntil(() => cluster.Nodes.Values.All(n => n.Host.AwakeGroups == 0), 150, "all groups quiescing");
        var before = cluster.Network.DeliveredMessages;
        cluster.Tick(50);
        Assert.Equal(before, cluster.Network.DeliveredMessages);
        for (ulong group = 1; group <= groups; group++)
        {
            Assert.NotEqual(0UL, cluster.LeaderOf(group));
        }
    }

    [Fact]
    public async Task Options_RefuseAQuiescenceThresholdThatCouldStrandAnElection()
    {
        await using var cluster = new TestCluster(Seed, 0);
        var options = new RaftHostOptions { NodeId = 1, ElectionTicks = 10, QuiesceAfterTicks = 20 };
        Assert.Throws<ArgumentException>(options.Validate);
    }
}
