using Vectron.Raft.Core;

namespace Vectron.Raft.Tests.Core;

/// <summary>
/// The rules of the Raft paper ("In Search of an Understandable Consensus Algorithm", extended
/// version) and the dissertation, one test per rule, named after the section.
/// </summary>
public sealed class RaftPaperTests
{
    private static RaftOptions NoPreVote(RaftOptions o) => o with { PreVote = false, CheckQuorum = false };

    [Fact]
    public void S5_2_Follower_BecomesCandidate_AfterElectionTimeout_WithoutPreVote()
    {
        var cluster = new TestCluster(1, [1, 2, 3], NoPreVote);
        var node = cluster.Nodes[1];

        cluster.Tick(1);
        for (var i = 0; i < 2 * 10 && node.Role == RaftRole.Follower; i++)
        {
            node.Tick();
        }

        Assert.Equal(RaftRole.Candidate, node.Role);
        Assert.Equal(1UL, node.Term);
        Assert.Equal(1UL, node.Vote);
        var ready = node.GetReady();
        Assert.Equal(new HardState(1, 1, 0), ready.HardState);
        // Vote requests must not leave before the vote for itself is persisted.
        Assert.Empty(ready.MessagesBeforePersist);
        Assert.Equal([2UL, 3UL], ready.Messages.Where(m => m.Type == MessageType.Vote).Select(m => m.To));
    }

    [Fact]
    public void S9_6_PreVote_DoesNotChangeTerm_UntilItWins()
    {
        var cluster = new TestCluster(2, [1, 2, 3]);
        var node = cluster.Nodes[1];

        node.Campaign();

        Assert.Equal(RaftRole.PreCandidate, node.Role);
        Assert.Equal(0UL, node.Term);
        var votes = node.GetReady().Messages.Where(m => m.Type == MessageType.PreVote).ToList();
        Assert.Equal(2, votes.Count);
        Assert.All(votes, m => Assert.Equal(1UL, m.Term));
    }

    [Fact]
    public void S5_2_ElectionTimeouts_AreRandomizedBetweenEAnd2E()
    {
        var seen = new HashSet<int>();
        for (var seed = 0; seed < 200; seed++)
        {
            var cluster = new TestCluster(seed, [1, 2, 3], NoPreVote);
            var node = cluster.Nodes[1];
            var ticks = 0;
            while (node.Role == RaftRole.Follower)
            {
                node.Tick();
                ticks++;
            }
            Assert.InRange(ticks, 10, 19);
            seen.Add(ticks);
        }
        Assert.True(seen.Count > 5, $"only {seen.Count} distinct timeouts in 200 seeds");
    }

    [Fact]
    public void S5_2_Candidate_WinsWithVotesFromMajority_AndAppendsEmptyEntry()
    {
        var cluster = new TestCluster(3, [1, 2, 3, 4, 5]);
        cluster.Isolate(4);
        cluster.Isolate(5);

        cluster.Elect(1);

        var leader = cluster.Nodes[1];
        Assert.Equal(RaftRole.Leader, leader.Role);
        // The empty entry of the new term is committed by the majority 1, 2, 3.
        Assert.Equal(1UL, leader.Committed);
        Assert.Equal(leader.Term, TestCluster.LogOf(cluster.Storages[1])[^1].Term);
    }

    [Fact]
    public void S5_2_Voter_GrantsAtMostOneVotePerTerm_FirstComeFirstServed()
    {
        var cluster = new TestCluster(4, [1, 2, 3], NoPreVote);
        var voter = cluster.Nodes[3];

        voter.Step(new Message { Type = MessageType.Vote, From = 1, To = 3, Term = 1 });
        voter.Step(new Message { Type = MessageType.Vote, From = 2, To = 3, Term = 1 });

        var responses = voter.GetReady().Messages.Where(m => m.Type == MessageType.VoteResponse).ToList();
        Assert.False(responses.Single(m => m.To == 1).Reject);
        Assert.True(responses.Single(m => m.To == 2).Reject);
        Assert.Equal(1UL, voter.Vote);
    }

    [Fact]
    public void S5_4_1_Voter_RejectsCandidate_WhoseLogIsLessUpToDate()
    {
        var cluster = new TestCluster(5, [1, 2, 3], NoPreVote);
        cluster.Elect(1);
        cluster.Nodes[1].Propose("x"u8.ToArray());
        cluster.Stabilize();
        var voter = cluster.Nodes[2];
        var term = voter.Term;

        // Candidate 3 claims a log ending at the empty entry of term 1 only (index 1), behind ours (index 2).
        voter.Step(new Message { Type = MessageType.Vote, From = 3, To = 2, Term = term + 1, Index = 1, LogTerm = term });

        var response = voter.GetReady().Messages.Single(m => m.Type == MessageType.VoteResponse);
        Assert.True(response.Reject);
    }

    [Fact]
    public void S5_3_Follower_RejectsAppend_WhenPreviousEntryDoesNotMatch_AndHintsWhereToRetry()
    {
        var cluster = new TestCluster(6, [1, 2, 3], NoPreVote);
        var follower = cluster.Nodes[2];

        follower.Step(new Message
        {
            Type = MessageType.Append, From = 1, To = 2, Term = 2, Index = 5, LogTerm = 2,
            Entries = [new Entry(6, 2, EntryType.Normal, default)],
        });

        var response = follower.GetReady().Messages.Single();
        Assert.Equal(MessageType.AppendResponse, response.Type);
        Assert.True(response.Reject);
        Assert.Equal(5UL, response.Index);
        Assert.Equal(0UL, response.RejectHint);
    }

    [Fact]
    public void S5_3_Follower_ReplacesConflictingEntries_AndKeepsMatchingOnes()
    {
        var cluster = new TestCluster(7, [1, 2, 3], NoPreVote);
        var follower = cluster.Nodes[2];
        var storage = cluster.Storages[2];
        follower.Step(new Message
        {
            Type = MessageType.Append, From = 1, To = 2, Term = 1, Index = 0, LogTerm = 0,
            Entries = [new Entry(1, 1, EntryType.Normal, "a"u8.ToArray()), new Entry(2, 1, EntryType.Normal, "b"u8.ToArray())],
        });
        cluster.ProcessReady(2);
        cluster.InFlight.Clear();

        follower.Step(new Message
        {
            Type = MessageType.Append, From = 3, To = 2, Term = 2, Index = 1, LogTerm = 1,
            Entries = [new Entry(2, 2, EntryType.Normal, "c"u8.ToArray())],
        });
        cluster.ProcessReady(2);

        var log = TestCluster.LogOf(storage);
        Assert.Equal(["a", "c"], log.Select(e => System.Text.Encoding.UTF8.GetString(e.Data.Span)));
        Assert.Equal([1UL, 2UL], log.Select(e => e.Term));
    }

    [Fact]
    public void S5_4_2_Leader_DoesNotCommitEntriesOfPreviousTerms_ByCountingReplicas()
    {
        // Figure 8: an entry of an old term on a majority is not committed until an entry of the
        // leader's own term is.
        var cluster = new TestCluster(8, [1, 2, 3], NoPreVote);
        foreach (var id in new ulong[] { 1, 2 })
        {
            cluster.Storages[id].Append([new Entry(1, 1, EntryType.Normal, "old"u8.ToArray())]);
            cluster.Storages[id].SetHardState(new HardState(1, 0, 0));
            cluster.Restart(id);
        }
        var leader = cluster.Nodes[1];
        leader.Campaign();
        cluster.ProcessReady(1);
        cluster.Nodes[2].Step(cluster.InFlight.Single(m => m.To == 2));
        cluster.InFlight.Clear();
        cluster.ProcessReady(2);
        leader.Step(cluster.InFlight.Single(m => m.To == 1));
        cluster.InFlight.Clear();
        Assert.Equal(RaftRole.Leader, leader.Role);
        Assert.Equal(2UL, leader.Term);

        // Node 2 acknowledges index 1 (the old entry) and the leader has it too: a majority of
        // replicas, yet it must not commit, because the entry is of term 1.
        leader.Step(new Message { Type = MessageType.AppendResponse, From = 2, To = 1, Term = 2, Index = 1 });
        Assert.Equal(0UL, leader.Committed);

        // Once the leader's own empty entry of term 2 is on a majority, both commit.
        cluster.Stabilize();
        Assert.Equal(2UL, leader.Committed);
    }

    [Fact]
    public void Leader_CountsItsOwnEntries_OnlyAfterTheyArePersisted()
    {
        var cluster = new TestCluster(10, [1, 2, 3], NoPreVote);
        cluster.Elect(1);
        var leader = cluster.Nodes[1];
        var committed = leader.Committed;
        leader.Propose("x"u8.ToArray());
        var ready = leader.GetReady();
        var append = ready.MessagesBeforePersist.First(m => m.Type == MessageType.Append && m.To == 2);

        // Follower 2 acknowledges before the leader persisted: 1 of 3 is not a quorum without the leader.
        leader.Step(new Message { Type = MessageType.AppendResponse, From = 2, To = 1, Term = leader.Term, Index = append.Entries[^1].Index });
        Assert.Equal(committed, leader.Committed);

        cluster.Storages[1].Append(ready.Entries);
        leader.Advance(ready);
        Assert.Equal(committed + 1, leader.Committed);
    }

    [Fact]
    public void S6_2_CheckQuorum_LeaderStepsDown_WhenCutOffFromMajority()
    {
        var cluster = new TestCluster(11, [1, 2, 3]);
        cluster.Elect(1);
        cluster.Isolate(1);

        for (var i = 0; i < 2 * 10; i++)
        {
            cluster.Tick(1);
            cluster.ProcessReady(1);
        }

        Assert.Equal(RaftRole.Follower, cluster.Nodes[1].Role);
    }

    [Fact]
    public void S9_6_PreVote_PartitionedNodeRejoins_WithoutDisruptingTheLeader()
    {
        var cluster = new TestCluster(12, [1, 2, 3]);
        cluster.Elect(1);
        var term = cluster.Nodes[1].Term;
        cluster.Isolate(3);
        for (var i = 0; i < 100; i++)
        {
            cluster.TickAll();
            cluster.Stabilize();
        }
        Assert.Equal(term, cluster.Nodes[3].Term);

        cluster.Heal();
        for (var i = 0; i < 30; i++)
        {
            cluster.TickAll();
            cluster.Stabilize();
        }

        Assert.Equal(RaftRole.Leader, cluster.Nodes[1].Role);
        Assert.Equal(term, cluster.Nodes[1].Term);
    }
}
