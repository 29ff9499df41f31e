using Vectron.Raft.Core;
using Vectron.Raft.Hosting;
using static Vectron.Raft.Tests.Hosting.CounterStateMachine;

namespace Vectron.Raft.Tests.Hosting;

public sealed class RaftHostThreadingTests
{
    [Fact]
    public async Task StartedHosts_TickFromTheirTimeProvider_ElectAndCommit()
    {
        var clock = new ManualTimeProvider();
        var network = new InMemoryNetwork();
        var hosts = new List<RaftHost>();
        try
        {
            for (ulong id = 1; id <= 3; id++)
            {
                var host = new RaftHost(new RaftHostOptions { NodeId = id, RandomSeed = 11, TimeProvider = clock },
                    new MemoryRaftLogStore(), new MemoryRaftSnapshotStore(), network.CreateTransport());
                hosts.Add(host);
                host.Start();
                await host.StartGroupAsync(new RaftGroupConfig(1, new CounterStateMachine()) { InitialMembers = [1, 2, 3] });
            }

            // Each status query is a barrier: the loop has processed everything queued before it.
            RaftHost? leader = null;
            for (var step = 0; step < 1_000 && leader is null; step++)
            {
                clock.Advance(TimeSpan.FromMilliseconds(100));
                foreach (var host in hosts)
                {
                    if ((await host.GetStatusAsync(1))!.Role == RaftRole.Leader)
                    {
                        leader = host;
                    }
                }
            }
            Assert.NotNull(leader);

            var proposal = leader.ProposeAsync(1, 1, 1, Increment("a"));
            for (var step = 0; step < 1_000 && !proposal.IsCompleted; step++)
            {
                clock.Advance(TimeSpan.FromMilliseconds(100));
                foreach (var host in hosts)
                {
                    await host.GetStatusAsync(1);
                }
            }
            var result = await proposal;
            var statuses = new List<string>();
            foreach (var host in hosts)
            {
                var st = (await host.GetStatusAsync(1))!;
                statuses.Add($"{st.Id}: {st.Role} leader {st.Leader} hs {st.HardState} applied {st.Applied}");
            }
            Assert.True(result.Outcome == RaftOutcome.Ok, string.Join("; ", statuses) + $" leader {leader.NodeId} lane applied {leader.GroupOf(1)!.Lane.AppliedIndex} failed {leader.GroupOf(1)!.Lane.Failed} backlog {leader.GroupOf(1)!.Lane.Backlog}");
            Assert.Equal("1", Text(result.Value));
        }
        finally
        {
            foreach (var host in hosts)
            {
                await host.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task SlowStateMachine_DoesNotStallConsensus_AndProposalsGetBusy()
    {
        var scheduler = new HeldApplyScheduler();
        await using var cluster = new TestCluster(3, 1, options => options with { ApplyScheduler = scheduler, MaxApplyBacklog = 3 });
        cluster.StartGroup(1, 1);
        var host = cluster[1].Host;
        cluster.TickUntil(() => { scheduler.RunAll(); return cluster.LeaderOf(1) == 1; }, 100, "a leader");
        scheduler.RunAll();

        // The state machine stalls: three proposals still commit.
        var held = Enumerable.Range(1, 3).Select(i => host.ProposeAsync(1, 1, (ulong)i, Increment("a"))).ToArray();
        cluster.RunUntilIdle();
        var group = host.GroupOf(1)!;
        Assert.Equal(group.Node.LastIndex, group.Node.Committed);
        Assert.Equal(3, group.Lane.Backlog);
        Assert.All(held, task => Assert.False(task.IsCompleted));

        var refused = host.ProposeAsync(1, 1, 4, Increment("a"));
        cluster.RunUntilIdle();
        Assert.Equal(RaftOutcome.Busy, (await refused).Outcome);

        scheduler.RunAll();
        Assert.Equal(["1", "2", "3"], held.Select(task => Text(task.Result.Value)));
        var accepted = host.ProposeAsync(1, 1, 5, Increment("a"));
        cluster.RunUntilIdle();
        scheduler.RunAll();
        Assert.Equal("4", Text((await accepted).Value));
    }

    /// <summary>Holds apply work until the test runs it: a state machine as slow as the test wants.</summary>
    private sealed class HeldApplyScheduler : IApplyScheduler
    {
        private readonly Queue<Func<ValueTask>> _work = new();

        public void Schedule(Func<ValueTask> work) => _work.Enqueue(work);

        public void RunAll()
        {
            while (_work.TryDequeue(out var work))
            {
                InlineApplyScheduler.Instance.Schedule(work);
            }
        }
    }
}
