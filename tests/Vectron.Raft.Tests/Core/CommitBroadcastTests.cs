using Vectron.Raft.Core;

namespace Vectron.Raft.Tests.Core;

public sealed class CommitBroadcastTests
{
    private const int Seed = 7;

    [Fact]
    public void ByDefault_TheLeaderSendsTheNewCommitIndexAtOnce_AsEtcdDoes()
    {
        var cluster = Elected(defer: false);
        var (appends, acknowledgements) = ProposeAndSettle(cluster, "a");

        // One append with the entry and one with the commit index, to each follower; each is acknowledged.
        Assert.Equal(4, appends);
        Assert.Equal(4, acknowledgements);
        Assert.All([2UL, 3UL], id => Assert.Equal(cluster.Nodes[1].Committed, cluster.Nodes[id].Committed));
    }

    [Fact]
    public void Deferred_ALoneWriteCostsHalfTheMessages_AndTheFollowersLearnItsCommitOnTheLeadersNextTick()
    {
        var cluster = Elected(defer: true);
        ulong before = cluster.Nodes[2].Committed;
        var (appends, acknowledgements) = ProposeAndSettle(cluster, "a");

        Assert.Equal(2, appends);
        Assert.Equal(2, acknowledgements);
        ulong committed = cluster.Nodes[1].Committed;
        Assert.Equal(before + 1, committed);
        Assert.True(cluster.Nodes[1].HasUnannouncedCommit);
        Assert.All([2UL, 3UL], id => Assert.Equal(before, cluster.Nodes[id].Committed));

        cluster.Tick(1);
        cluster.Stabilize();
        Assert.False(cluster.Nodes[1].HasUnannouncedCommit);
        Assert.All([2UL, 3UL], id => Assert.Equal(committed, cluster.Nodes[id].Committed));
        Assert.All([2UL, 3UL], id => Assert.Equal("a", Text(cluster.Applied[id][^1])));
    }

    [Fact]
    public void Deferred_TheNextAppendCarriesTheCommitIndex_WithoutATick()
    {
        var cluster = Elected(defer: true);
        ProposeAndSettle(cluster, "a");
        ulong first = cluster.Nodes[1].Committed;

        ProposeAndSettle(cluster, "b");

        // b's append told the followers that a committed; b's own commit waits for the next append or tick.
        Assert.All([2UL, 3UL], id => Assert.Equal(first, cluster.Nodes[id].Committed));
        Assert.Equal(first + 1, cluster.Nodes[1].Committed);
    }

    [Fact]
    public void Deferred_ANewLeader_HasNothingLeftToAnnounceFromAnEarlierTerm()
    {
        var cluster = Elected(defer: true);
        ProposeAndSettle(cluster, "a");
        Assert.True(cluster.Nodes[1].HasUnannouncedCommit);

        cluster.Nodes[1].TransferLeader(2);
        cluster.Stabilize();

        Assert.Equal(RaftRole.Leader, cluster.Nodes[2].Role);
        Assert.False(cluster.Nodes[1].HasUnannouncedCommit);
        Assert.Equal(RaftRole.Follower, cluster.Nodes[1].Role);
        // The new leader's first entry commits on all three once it ticks; "a" is kept everywhere.
        cluster.Tick(2);
        cluster.Stabilize();
        Assert.All([1UL, 2UL, 3UL], id => Assert.Equal(cluster.Nodes[2].Committed, cluster.Nodes[id].Committed));
        Assert.All([1UL, 2UL, 3UL], id => Assert.Contains(cluster.Applied[id], entry => Text(entry) == "a"));
    }

    private static TestCluster Elected(bool defer)
    {
        var cluster = new TestCluster(Seed, [1, 2, 3], options => options with { DeferCommitBroadcast = defer });
        cluster.Elect(1);
        // With deferral the election's empty entry reaches the followers' commit index on the leader's tick.
        cluster.Tick(1);
        cluster.Stabilize();
        Assert.All([2UL, 3UL], id => Assert.Equal(cluster.Nodes[1].Committed, cluster.Nodes[id].Committed));
        return cluster;
    }

    /// <summary>Proposes on node 1 and delivers everything until quiet, counting appends and their acknowledgements.</summary>
    private static (int Appends, int Acknowledgements) ProposeAndSettle(TestCluster cluster, string text)
    {
        Assert.Equal(ProposeResult.Accepted, cluster.Nodes[1].Propose(System.Text.Encoding.UTF8.GetBytes(text)));
        int appends = 0, acknowledgements = 0;
        for (int round = 0; round < 100; round++)
        {
            foreach (var id in cluster.Nodes.Keys)
            {
                cluster.ProcessReady(id);
            }
            if (cluster.InFlight.Count == 0)
            {
                return (appends, acknowledgements);
            }
            Message[] batch = [.. cluster.InFlight];
            cluster.InFlight.Clear();
            foreach (var message in batch)
            {
                appends += message.Type == MessageType.Append ? 1 : 0;
                acknowledgements += message.Type == MessageType.AppendResponse ? 1 : 0;
                cluster.Nodes[message.To].Step(message);
            }
        }
        throw new InvalidOperationException("the cluster did not settle");
    }

    private static string Text(Entry entry) => System.Text.Encoding.UTF8.GetString(entry.Data.Span);
}
