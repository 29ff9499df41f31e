using Vectron.Raft.Hosting;
using static Vectron.Raft.Tests.Hosting.CounterStateMachine;

namespace Vectron.Raft.Tests.Hosting;

/// <summary>The snapshot payload the durable log points at survives until a newer record is durable.</summary>
public sealed class SnapshotRetentionTests
{
    private const int Seed = 31;

    /// <summary>
    /// An apply lane may take two snapshots before the loop has written the record of the first (applies run apart
    /// from the loop; a slow fsync holds the loop). A crash then leaves the log pointing at the snapshot before them,
    /// whose payload must still be there. Found by the cluster simulation (seed 3130: "the payload of snapshot 117 is
    /// not in the snapshot store", the group never applied again).
    /// </summary>
    [Fact]
    public async Task TwoSnapshotsTakenBeforeTheirRecord_ThenACrash_RestartFromTheRecordedOne()
    {
        var lanes = new ManualApplyScheduler();
        await using var cluster = new TestCluster(Seed, 1, options => options with { ApplyScheduler = lanes, SnapshotEveryEntries = 2, CompactionOverhead = 1 });
        cluster.StartGroup(1, 1);
        lanes.RunAll();
        cluster.ElectLeader(1);
        var host = cluster[1].Host;
        ulong request = 0;

        // Snapshots are taken and recorded until the log has one to restart from.
        while (cluster[1].Store.SnapshotMetadata(1).Index == 0)
        {
            var write = host.ProposeAsync(1, 1, ++request, Set("k", $"v{request}"));
            cluster.RunUntilIdle();
            lanes.RunAll();
            cluster.RunUntilIdle();
            Assert.True(write.IsCompletedSuccessfully && (await write).IsOk, $"seed {Seed}: write {request} failed");
        }
        var recorded = cluster[1].Store.SnapshotMetadata(1).Index;

        // Two batches committed and handed over; the lane applies both and takes two snapshots; the loop records neither.
        for (var batch = 0; batch < 2; batch++)
        {
            _ = host.ProposeAsync(1, 1, ++request, Set("k", $"v{request}"));
            _ = host.ProposeAsync(1, 1, ++request, Set("k", $"v{request}"));
            cluster.RunUntilIdle();
        }
        lanes.RunAll();
        Assert.Equal(recorded, cluster[1].Store.SnapshotMetadata(1).Index);

        await cluster.StopAsync(1);
        cluster.Restart(1);
        lanes.RunAll();

        var group = cluster[1].Host.GroupOf(1)!;
        Assert.False(group.Lane.Failed, $"seed {Seed}: the restart could not restore snapshot {recorded}");
        cluster.Tick(30);
        lanes.RunAll();
        Assert.Equal($"v{request}", cluster[1].Machines[1].Values["k"]);
    }

    private sealed class ManualApplyScheduler : IApplyScheduler
    {
        private readonly Queue<Func<ValueTask>> _work = new();

        public void Schedule(Func<ValueTask> work) => _work.Enqueue(work);

        public void RunAll()
        {
            while (_work.TryDequeue(out var work))
            {
                work().AsTask().GetAwaiter().GetResult();
            }
        }
    }
}
