using Vectron.Raft.Core;

namespace Vectron.Raft.Tests.Core;

public sealed class SplitVoteTests
{
    private const int ElectionTicks = 40;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void ASplitVote_IsRetriedWithinATenthOfTheElectionTimeout(int seed)
    {
        var cluster = new TestCluster(seed, [1, 2, 3], options => options with { ElectionTicks = ElectionTicks });
        cluster.Elect(1);
        cluster.Down.Add(1);

        // Both followers time out at once: their pre-votes cross, each grants the other's, and both stand in the same term.
        cluster.Nodes[2].Campaign();
        cluster.Nodes[3].Campaign();
        cluster.Stabilize();
        Assert.True(cluster.Nodes[2].Role == RaftRole.Candidate && cluster.Nodes[3].Role == RaftRole.Candidate,
            $"seed {seed}: not a split: {cluster.Nodes[2].Status()} / {cluster.Nodes[3].Status()}");
        Assert.Equal(cluster.Nodes[2].Term, cluster.Nodes[3].Term);

        // Each would have waited a whole randomised timeout (at least ElectionTicks); now each draws within a tenth of it.
        // (Here both tick in lockstep, so equal draws split again and are retried the same way.)
        int ticks = 0;
        while (cluster.Leader() is null && ticks < 4 * ElectionTicks)
        {
            cluster.TickAll();
            cluster.Stabilize();
            ticks++;
        }

        Assert.True(cluster.Leader() is 2 or 3, $"seed {seed}: no leader after {ticks} ticks");
        Assert.True(ticks < ElectionTicks, $"seed {seed}: the retry took {ticks} ticks, as long as a whole election timeout");
    }

    [Fact]
    public void TheQuickRetry_ServesOneCampaignOnly()
    {
        var cluster = new TestCluster(11, [1, 2, 3], options => options with { ElectionTicks = ElectionTicks });
        cluster.Elect(1);
        cluster.Down.Add(1);
        cluster.Nodes[2].Campaign();
        cluster.Nodes[3].Campaign();
        cluster.Stabilize();
        Assert.Equal(RaftRole.Candidate, cluster.Nodes[2].Role);

        // Node 3 goes too: node 2's pre-votes stay unanswered; count the ticks between its campaigns.
        cluster.Down.Add(3);
        cluster.InFlight.Clear();
        var gaps = new List<int>();
        int since = 0;
        for (int tick = 0; tick < 6 * ElectionTicks && gaps.Count < 2; tick++)
        {
            cluster.Tick(2);
            since++;
            cluster.ProcessReady(2);
            bool campaigned = cluster.InFlight.Any(m => m.From == 2 && m.Type == MessageType.PreVote);
            cluster.InFlight.Clear();
            if (campaigned)
            {
                gaps.Add(since);
                since = 0;
            }
        }

        Assert.Equal(2, gaps.Count);
        Assert.True(gaps[0] < ElectionTicks, $"the retry after the split came after {gaps[0]} ticks");
        Assert.True(gaps[1] >= ElectionTicks, $"the campaign after it came after {gaps[1]} ticks, still at the quick pace");
    }
}
