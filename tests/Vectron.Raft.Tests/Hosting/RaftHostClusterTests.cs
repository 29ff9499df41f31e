using Vectron.Raft.Core;
using Vectron.Raft.Hosting;
using static Vectron.Raft.Tests.Hosting.CounterStateMachine;

namespace Vectron.Raft.Tests.Hosting;

public sealed class RaftHostClusterTests
{
    private const int Seed = 20250101;

    [Theory]
    [InlineData(Seed)]
    [InlineData(Seed + 1)]
    [InlineData(Seed + 2)]
    public async Task Groups_ElectOneLeaderEach_OnThreeHosts(int seed)
    {
        await using var cluster = new TestCluster(seed, 3);
        for (ulong group = 1; group <= 5; group++)
        {
            cluster.StartGroup(group, 1, 2, 3);
        }
        cluster.TickUntil(() => Enumerable.Range(1, 5).All(g => cluster.LeaderOf((ulong)g) != 0), 200, "a leader in every group");
        cluster.Tick(3);
        for (ulong group = 1; group <= 5; group++)
        {
            var leader = cluster.LeaderOf(group);
            foreach (var node in cluster.Nodes.Values)
            {
                var raft = node.Host.GroupOf(group)!.Node;
                Assert.True(raft.LeaderId == leader, $"seed {seed}: node {node.Id} thinks {raft.LeaderId} leads group {group}, not {leader}");
            }
        }
    }

    [Fact]
    public async Task KnownLeader_IsTheElectedLeaderOnEveryHost_AndFollowsTheNextElection()
    {
        await using var cluster = new TestCluster(Seed, 3);
        Assert.Null(cluster[1].Host.KnownLeader(1));
        cluster.StartGroup(1, 1, 2, 3);
        Assert.Equal(0UL, cluster[1].Host.KnownLeader(1)); // running, no election yet (no tick has passed)

        var leader = cluster.ElectLeader(1);
        cluster.Tick(3); // a heartbeat round: every follower has heard from the leader
        foreach (var node in cluster.Nodes.Values)
        {
            Assert.Equal(leader, node.Host.KnownLeader(1));
        }

        await cluster.StopAsync(leader);
        Assert.Null(cluster[leader].Host.KnownLeader(1)); // a stopped host runs no group
        var survivors = cluster.Nodes.Values.Where(n => n.Id != leader).ToList();
        cluster.TickUntil(() => cluster.LeaderOf(1) is not 0 and var next && next != leader
            && survivors.All(n => n.Host.KnownLeader(1) == next), 300, "both survivors knowing the new leader");
        Assert.Null(survivors[0].Host.KnownLeader(99));
    }

    [Fact]
    public async Task Propose_ReturnsStateMachineResult_OnLeaderAndThroughFollower()
    {
        await using var cluster = new TestCluster(Seed, 3);
        cluster.StartGroup(1, 1, 2, 3);
        var leader = cluster.ElectLeader(1);
        var follower = cluster.Nodes.Keys.First(id => id != leader);

        var first = cluster.Await(cluster[leader].Host.ProposeAsync(1, clientId: 1, requestId: 1, Increment("a")));
        var second = cluster.Await(cluster[follower].Host.ProposeAsync(1, clientId: 2, requestId: 1, Increment("a")));

        Assert.Equal(RaftOutcome.Ok, first.Outcome);
        Assert.Equal("1", Text(first.Value));
        Assert.Equal(RaftOutcome.Ok, second.Outcome);
        Assert.Equal("2", Text(second.Value));
        cluster.TickUntil(() => cluster.Nodes.Values.All(n => n.Machines[1].Values.GetValueOrDefault("a") == "2"), 50, "every replica applying both");
    }

    [Fact]
    public async Task FinishedProposals_AreNotKeptUntilTheirDeadline()
    {
        await using var cluster = new TestCluster(Seed, 3);
        cluster.StartGroup(1, 1, 2, 3);
        var leader = cluster.ElectLeader(1);
        for (ulong request = 1; request <= 20; request++)
        {
            Assert.Equal(RaftOutcome.Ok, cluster.Await(cluster[leader].Host.ProposeAsync(1, clientId: 1, requestId: request, Increment("a"))).Outcome);
        }

        // Each proposal's deadline is OperationTimeoutTicks away; one tick after they finished, none is held any more
        // (they were held for the whole timeout, and outlived the collector's young generation).
        cluster.Tick();
        Assert.Equal(0, cluster[leader].Host.TrackedDeadlines);
    }

    [Fact]
    public async Task Propose_UnknownGroup_IsAnOutcomeNotAnException()
    {
        await using var cluster = new TestCluster(Seed, 1);
        var result = cluster.Await(cluster[1].Host.ProposeAsync(99, 1, 1, Increment("a")));
        Assert.Equal(RaftOutcome.UnknownGroup, result.Outcome);
    }

    [Fact]
    public async Task RetriedProposal_AppliesOnce_AndTheRetryGetsTheFirstResult()
    {
        await using var cluster = new TestCluster(Seed, 3);
        cluster.StartGroup(1, 1, 2, 3);
        var leader = cluster.ElectLeader(1);
        var follower = cluster.Nodes.Keys.First(id => id != leader);

        var first = cluster.Await(cluster[leader].Host.ProposeAsync(1, 7, 1, Increment("x")));
        // The client did not hear back and retries the same request through another replica.
        var retry = cluster.Await(cluster[follower].Host.ProposeAsync(1, 7, 1, Increment("x")));
        var next = cluster.Await(cluster[leader].Host.ProposeAsync(1, 7, 2, Increment("x")));

        Assert.Equal("1", Text(first.Value));
        Assert.Equal(RaftOutcome.Ok, retry.Outcome);
        Assert.Equal("1", Text(retry.Value));
        Assert.Equal("2", Text(next.Value));
        cluster.Tick(5);
        foreach (var node in cluster.Nodes.Values)
        {
            Assert.Equal("2", node.Machines[1].Values["x"]);
            Assert.Equal(2, node.Machines[1].Applied);
        }
    }

    [Fact]
    public async Task LinearizableRead_OnFollower_SeesAPrecedingWrite()
    {
        await using var cluster = new TestCluster(Seed, 3);
        cluster.StartGroup(1, 1, 2, 3);
        var leader = cluster.ElectLeader(1);
        var follower = cluster.Nodes.Keys.First(id => id != leader);
        // Hold the follower's appends back, so its state machine lags the acknowledged write.
        cluster.Network.Cut(leader, follower);

        var write = cluster.Await(cluster[leader].Host.ProposeAsync(1, 1, 1, Set("k", "v")));
        Assert.Equal(RaftOutcome.Ok, write.Outcome);
        Assert.Equal("", Text(cluster.Await(cluster[follower].Host.ReadAsync(1, Key("k"), ReadConsistency.Stale)).Value));

        cluster.Network.Heal();
        var read = cluster.Await(cluster[follower].Host.ReadAsync(1, Key("k"), ReadConsistency.Linearizable));
        Assert.Equal(RaftOutcome.Ok, read.Outcome);
        Assert.Equal("v", Text(read.Value));
    }

    [Fact]
    public async Task FarBehindFollower_CatchesUpThroughASnapshotStream()
    {
        await using var cluster = new TestCluster(Seed, 3, options => options with { SnapshotEveryEntries = 10, CompactionOverhead = 2 });
        cluster.StartGroup(1, 1, 2, 3);
        var leader = cluster.ElectLeader(1);
        var lagging = cluster.Nodes.Keys.First(id => id != leader);
        cluster.Network.Isolate(lagging);
        for (ulong request = 1; request <= 40; request++)
        {
            var result = cluster.Await(cluster[leader].Host.ProposeAsync(1, 1, request, Set($"k{request}", $"v{request}")));
            Assert.Equal(RaftOutcome.Ok, result.Outcome);
        }
        Assert.True(cluster[leader].Host.GroupOf(1)!.Storage.FirstIndex > 3, $"seed {Seed}: the leader never compacted its log");

        cluster.Network.Heal();
        var machine = cluster[lagging].Machines[1];
        cluster.TickUntil(() => machine.Values.Count == 40, 200, "the lagging follower catching up");
        Assert.True(machine.Restores >= 1, $"seed {Seed}: the follower caught up without a snapshot");
        Assert.Equal("v40", machine.Values["k40"]);

        // Its sessions came with the snapshot: a retry of an old request is answered, not applied.
        cluster.Tick(3);
        var retry = cluster.Await(cluster[lagging].Host.ProposeAsync(1, 1, 40, Set("k40", "again")));
        Assert.Equal(RaftOutcome.Ok, retry.Outcome);
        Assert.Equal("v40", cluster[lagging].Machines[1].Values["k40"]);
    }

    [Fact]
    public async Task TransferLeadership_MovesTheLeaderToTheTarget()
    {
        await using var cluster = new TestCluster(Seed, 3);
        cluster.StartGroup(1, 1, 2, 3);
        var leader = cluster.ElectLeader(1);
        var target = cluster.Nodes.Keys.First(id => id != leader);
        cluster.Await(cluster[leader].Host.ProposeAsync(1, 1, 1, Set("a", "1")));

        var notLeader = cluster.Await(cluster[target].Host.TransferLeadershipAsync(1, target));
        Assert.Equal(RaftOutcome.NotLeader, notLeader.Outcome);
        Assert.Equal(leader, notLeader.LeaderHint);

        var moved = cluster.Await(cluster[leader].Host.TransferLeadershipAsync(1, target));
        Assert.Equal(RaftOutcome.Ok, moved.Outcome);
        Assert.Equal(target, moved.Value);
        Assert.Equal(target, cluster.LeaderOf(1));
        Assert.Equal(RaftOutcome.Ok, cluster.Await(cluster[target].Host.ProposeAsync(1, 1, 2, Set("a", "2"))).Outcome);
    }

    [Fact]
    public async Task Membership_AddsAFourthVoter_ThenRemovesOne()
    {
        await using var cluster = new TestCluster(Seed, 4);
        cluster.StartGroup(1, 1, 2, 3);
        var leader = cluster.ElectLeader(1);
        cluster.Await(cluster[leader].Host.ProposeAsync(1, 1, 1, Set("a", "1")));
        cluster.StartGroupOn(4, 1, founders: []);

        var added = cluster.Await(cluster[leader].Host.AddVoterAsync(1, 4));
        Assert.Equal(RaftOutcome.Ok, added.Outcome);
        Assert.Equal(new ulong[] { 1, 2, 3, 4 }, added.Value!.Voters.Order());
        cluster.TickUntil(() => cluster[4].Machines[1].Values.GetValueOrDefault("a") == "1", 100, "node 4 receiving the log");
        cluster.TickUntil(() => cluster[4].Host.GroupOf(1)!.Node.ConfState.Voters.Count == 4, 50, "node 4 knowing it votes");

        var removed = cluster.Nodes.Keys.First(id => id != leader && id != 4);
        var after = cluster.Await(cluster[leader].Host.RemoveMemberAsync(1, removed));
        Assert.Equal(RaftOutcome.Ok, after.Outcome);
        Assert.DoesNotContain(removed, after.Value!.Voters);
        Assert.Equal(3, after.Value.Voters.Count);

        // The remaining three still commit, with the removed node cut off entirely.
        cluster.Network.Isolate(removed);
        var write = cluster.Await(cluster[leader].Host.ProposeAsync(1, 1, 2, Set("a", "2")));
        Assert.Equal(RaftOutcome.Ok, write.Outcome);
        cluster.TickUntil(() => cluster[4].Machines[1].Values["a"] == "2", 50, "node 4 applying after the removal");
    }

    [Fact]
    public async Task JointChange_ReplacesTwoVotersAtOnce()
    {
        await using var cluster = new TestCluster(Seed, 5);
        cluster.StartGroup(1, 1, 2, 3);
        var leader = cluster.ElectLeader(1);
        cluster.StartGroupOn(4, 1, founders: []);
        cluster.StartGroupOn(5, 1, founders: []);
        var outgoing = cluster.Nodes.Keys.Where(id => id <= 3 && id != leader).ToArray();
        var change = new ConfChange([
            new ConfChangeSingle(ConfChangeType.AddNode, 4), new ConfChangeSingle(ConfChangeType.AddNode, 5),
            new ConfChangeSingle(ConfChangeType.RemoveNode, outgoing[0]), new ConfChangeSingle(ConfChangeType.RemoveNode, outgoing[1])]);

        var joint = cluster.Await(cluster[leader].Host.ChangeMembershipAsync(1, change));
        Assert.Equal(RaftOutcome.Ok, joint.Outcome);
        Assert.True(joint.Value!.IsJoint);
        // The leader leaves the joint configuration by itself.
        cluster.TickUntil(() => !cluster[leader].Host.GroupOf(1)!.Node.ConfState.IsJoint, 100, "leaving the joint configuration");
        Assert.Equal(new[] { leader, 4UL, 5UL }.Order(), cluster[leader].Host.GroupOf(1)!.Node.ConfState.Voters.Order());
        var refused = cluster.Await(cluster[leader].Host.ChangeMembershipAsync(1, ConfChange.LeaveJoint));
        Assert.Equal(RaftOutcome.ConfChangeRefused, refused.Outcome);
    }

    [Fact]
    public async Task Restart_RecoversFromTheLogStore_WithAndWithoutSnapshots()
    {
        await using var cluster = new TestCluster(Seed, 3, options => options with { SnapshotEveryEntries = 8, CompactionOverhead = 1 });
        cluster.StartGroup(1, 1, 2, 3);
        cluster.StartGroup(2, 1, 2, 3);
        var leader = cluster.ElectLeader(1);
        for (ulong request = 1; request <= 20; request++)
        {
            cluster.Await(cluster[leader].Host.ProposeAsync(1, 1, request, Set($"k{request}", $"v{request}")));
        }
        var leader2 = cluster.ElectLeader(2);
        cluster.Await(cluster[leader2].Host.ProposeAsync(2, 1, 1, Increment("n")));
        cluster.Tick(3);
        var restarted = cluster.Nodes.Keys.First(id => id != leader);
        var hardState = cluster[restarted].Host.GroupOf(1)!.Node.HardState;

        await cluster.StopAsync(restarted);
        cluster.Restart(restarted);

        var group = cluster[restarted].Host.GroupOf(1)!;
        Assert.Equal(hardState.Term, group.Node.HardState.Term);
        Assert.Equal(hardState.Vote, group.Node.HardState.Vote);
        Assert.Equal(hardState.Commit, group.Node.HardState.Commit);
        Assert.Equal(3, group.Node.ConfState.Voters.Count);
        Assert.True(cluster[restarted].Machines[1].Restores >= 1, $"seed {Seed}: group 1 restarted without its snapshot");
        Assert.Equal(20, cluster[restarted].Machines[1].Values.Count);
        Assert.Equal("1", cluster[restarted].Machines[2].Values["n"]);
        // The restarted replica keeps working: a new write reaches it.
        cluster.Await(cluster[leader].Host.ProposeAsync(1, 1, 21, Set("k21", "v21")));
        cluster.TickUntil(() => cluster[restarted].Machines[1].Values.ContainsKey("k21"), 50, "the restarted node applying a new write");
    }

    [Fact]
    public async Task CommitOnlyHardState_IsNotWrittenAlone_ButAppliesAtOnce_AndIsWrittenAtStop()
    {
        await using var cluster = new TestCluster(Seed, 3);
        cluster.StartGroup(1, 1, 2, 3);
        var leader = cluster.ElectLeader(1);
        var follower = cluster.Nodes.Keys.First(id => id != leader);
        cluster.Await(cluster[leader].Host.ProposeAsync(1, 1, 1, Increment("a")));
        cluster.Tick(3);
        var node = cluster[follower];
        var commit = node.Host.GroupOf(1)!.Node.HardState.Commit;
        long writes = node.Store.Writes;

        // Heartbeats now only move the follower's commit index: no write (no fsync) for that...
        cluster.Await(cluster[leader].Host.ProposeAsync(1, 1, 2, Increment("a")));
        cluster.Tick(3);
        var group = node.Host.GroupOf(1)!;
        Assert.True(group.Node.HardState.Commit > commit, $"seed {Seed}: the follower's commit did not move");
        long appendWrites = node.Store.Writes - writes;
        Assert.Equal(1, appendWrites);
        // ...yet the follower applied the committed entry without waiting for one.
        Assert.Equal("2", node.Machines[1].Values["a"]);
        var persisted = node.Store.OpenGroup(1).InitialState().HardState;
        Assert.True(persisted.Commit < group.Node.HardState.Commit, $"seed {Seed}: the commit-only hard state was written ({persisted.Commit})");

        // A clean stop writes the newest commit index.
        var latest = group.Node.HardState;
        await cluster.StopAsync(follower);
        Assert.Equal(latest, node.Store.OpenGroup(1).InitialState().HardState);
    }
}
