using Vectron.Server.Model;
using Vectron.Server.Worker;

namespace Vectron.Server.Tests.Worker;

/// <summary>A graph write that fails (a bug, not a bad point) is tried again at the next wake-up, never lost, never spun on.</summary>
public sealed class IndexerFaultTests
{
    private static readonly ShardOptions Options = new() { Dimension = 4, Metric = ShardDistance.Euclid, ExactSearchThreshold = 0, M = 8, EfConstruct = 32 };

    [Fact]
    public void FailedInsert_StaysFindable_AndIsRetriedAtTheNextWakeUp()
    {
        using var harness = new ShardHarness(Options);
        for (ulong id = 0; id < 10; id++)
        {
            harness.Upsert((id, [id, 0, 0, 0], null));
        }
        int failing = -1;
        harness.Shard.GraphWriteFault = slot =>
        {
            if (failing < 0 || slot == failing)
            {
                failing = slot;
                throw new InvalidOperationException("injected graph write failure");
            }
        };

        harness.Shard.IndexPending(); // returns although one point always fails: no spinning
        Assert.Equal(1, harness.Shard.FailedSlots);
        Assert.Equal((10L, 9L, 1L), Stats(harness));
        // The failed point is in the exact-scanned tail: still found.
        Assert.Equal(10, harness.Search([0, 0, 0, 0], limit: 10).Count);

        harness.Shard.IndexPending(); // still failing: tried once more, kept for the next wake-up
        Assert.Equal(1, harness.Shard.FailedSlots);

        harness.Shard.GraphWriteFault = null;
        harness.Shard.IndexPending();
        Assert.Equal(0, harness.Shard.FailedSlots);
        Assert.Equal((10L, 10L, 0L), Stats(harness));
    }

    [Fact]
    public void FailedGraphDelete_IsRetried_AndTheDeletedPointIsNeverReturned()
    {
        using var harness = new ShardHarness(Options);
        for (ulong id = 0; id < 10; id++)
        {
            harness.Upsert((id, [id, 0, 0, 0], null));
        }
        harness.Shard.IndexPending();
        harness.Shard.GraphWriteFault = _ => throw new InvalidOperationException("injected graph write failure");
        harness.Apply(new DeletePoints([PointId.FromNumber(0)]));

        harness.Shard.IndexPending();
        Assert.Equal(1, harness.Shard.FailedSlots);
        Assert.DoesNotContain(harness.Search([0, 0, 0, 0], limit: 10), hit => hit.Id == PointId.FromNumber(0));

        harness.Shard.GraphWriteFault = null;
        harness.Shard.IndexPending();
        Assert.Equal(0, harness.Shard.FailedSlots);
        Assert.Equal(9, harness.Search([0, 0, 0, 0], limit: 10).Count);
        Assert.DoesNotContain(harness.Search([0, 0, 0, 0], limit: 10), hit => hit.Id == PointId.FromNumber(0));
    }

    private static (long Points, long Indexed, long Tail) Stats(ShardHarness harness)
    {
        var stats = harness.Shard.GetStats();
        return (stats.Points, stats.IndexedPoints, stats.TailLength);
    }
}
