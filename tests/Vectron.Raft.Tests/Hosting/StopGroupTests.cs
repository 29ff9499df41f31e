using Vectron.Raft.Hosting;
using static Vectron.Raft.Tests.Hosting.CounterStateMachine;

namespace Vectron.Raft.Tests.Hosting;

public sealed class StopGroupTests
{
    private const int Seed = 20251121;

    [Fact]
    public async Task StopGroup_EndsTheGroup_OthersGoOn_AndTheStateMachineIsNeverCalledAgain()
    {
        await using var cluster = new TestCluster(Seed, 1);
        cluster.StartGroup(1, 1);
        cluster.StartGroup(2, 1);
        cluster.ElectLeader(1);
        cluster.ElectLeader(2);
        var host = cluster[1].Host;
        Assert.Equal(RaftOutcome.Ok, cluster.Await(host.ProposeAsync(1, 1, 1, Increment("a"))).Outcome);
        Assert.Equal(RaftOutcome.Ok, cluster.Await(host.ProposeAsync(2, 1, 1, Increment("a"))).Outcome);
        // Group 1 writes last, so its new commit index is still unwritten when it stops.
        Assert.Equal(RaftOutcome.Ok, cluster.Await(host.ProposeAsync(1, 1, 3, Increment("a"))).Outcome);
        var machine = cluster[1].Machines[1];
        long applied = machine.Applied;

        Assert.True(cluster.Await(host.StopGroupAsync(1)));
        var persisted = cluster[1].Store.OpenGroup(1).InitialState().HardState;

        Assert.Null(cluster.Await(host.GetStatusAsync(1)));
        Assert.Null(host.KnownLeader(1));
        Assert.Equal(1UL, host.KnownLeader(2));
        Assert.Equal(RaftOutcome.UnknownGroup, cluster.Await(host.ProposeAsync(1, 1, 2, Increment("a"))).Outcome);
        Assert.Equal(RaftOutcome.UnknownGroup, cluster.Await(host.ReadAsync(1, ReadOnlyMemory<byte>.Empty, ReadConsistency.Linearizable)).Outcome);
        Assert.False(cluster.Await(host.StopGroupAsync(1)));
        cluster.Tick(100);
        Assert.Equal(applied, machine.Applied);

        // The other group still commits, and ticking (quiescence bookkeeping) is unharmed.
        Assert.Equal(RaftOutcome.Ok, cluster.Await(host.ProposeAsync(2, 1, 2, Increment("a"))).Outcome);
        Assert.Equal("2", cluster[1].Machines[2].Values["a"]);
        // Nothing more is written for the stopped group, not even a commit index that waited for the next write.
        Assert.Equal(persisted, cluster[1].Store.OpenGroup(1).InitialState().HardState);
    }

    [Fact]
    public async Task StopGroup_OfAQuiescedGroup_Works()
    {
        await using var cluster = new TestCluster(Seed + 1, 1);
        cluster.StartGroup(1, 1);
        cluster.ElectLeader(1);
        var host = cluster[1].Host;
        Assert.Equal(RaftOutcome.Ok, cluster.Await(host.ProposeAsync(1, 1, 1, Increment("a"))).Outcome);
        cluster.TickUntil(() => host.GroupOf(1)!.Quiesced, 500, "the group to quiesce");

        Assert.True(cluster.Await(host.StopGroupAsync(1)));
        Assert.Null(host.GroupOf(1));
        cluster.Tick(50);
    }
}
