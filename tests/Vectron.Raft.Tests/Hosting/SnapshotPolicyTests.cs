using Vectron.Raft.Hosting;
using static Vectron.Raft.Tests.Hosting.CounterStateMachine;

namespace Vectron.Raft.Tests.Hosting;

/// <summary>When an apply lane takes a snapshot: after a count of entries, or after a number of bytes of entry data.</summary>
public sealed class SnapshotPolicyTests
{
    private const int Seed = 41;

    [Fact]
    public async Task LargeEntries_TriggerASnapshot_ByBytes_LongBeforeTheEntryCount()
    {
        await using var cluster = new TestCluster(Seed, 1, options => options with { SnapshotEveryEntries = 1_000, SnapshotEveryBytes = 10_000 });
        cluster.StartGroup(1, 1);
        cluster.ElectLeader(1);
        var host = cluster[1].Host;
        string big = new('x', 3_000);

        // Three entries of ~3 kB: under 10 kB since the start, no snapshot yet.
        for (ulong request = 1; request <= 3; request++)
        {
            var write = host.ProposeAsync(1, 1, request, Set("k", big));
            cluster.RunUntilIdle();
            Assert.True((await write).IsOk, $"seed {Seed}: write {request} failed");
        }
        Assert.Equal(0ul, cluster[1].Store.SnapshotMetadata(1).Index);

        // The fourth passes 10 kB: a snapshot at its index, although 1,000 entries are far off.
        var fourth = host.ProposeAsync(1, 1, 4, Set("k", big));
        cluster.RunUntilIdle();
        Assert.True((await fourth).IsOk);
        cluster.RunUntilIdle();
        ulong snapshot = cluster[1].Store.SnapshotMetadata(1).Index;
        Assert.True(snapshot > 0, $"seed {Seed}: no snapshot after 12 kB of entries");

        // The count starts again from the snapshot: three more large entries take none.
        for (ulong request = 5; request <= 7; request++)
        {
            var write = host.ProposeAsync(1, 1, request, Set("k", big));
            cluster.RunUntilIdle();
            Assert.True((await write).IsOk);
        }
        Assert.Equal(snapshot, cluster[1].Store.SnapshotMetadata(1).Index);
    }

    [Fact]
    public void NegativeByteLimit_IsRefused()
    {
        var error = Assert.Throws<ArgumentException>(() => new RaftHostOptions { NodeId = 1, SnapshotEveryBytes = -1 }.Validate());
        Assert.Contains("SnapshotEveryBytes", error.Message, StringComparison.Ordinal);
    }
}
