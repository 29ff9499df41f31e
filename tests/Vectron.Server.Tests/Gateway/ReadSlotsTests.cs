using Vectron.Server.Gateway;

namespace Vectron.Server.Tests.Gateway;

/// <summary>The router's read slots: at most <c>ReadConcurrency</c> shard reads run at once.</summary>
public sealed class ReadSlotsTests
{
    [Fact]
    public async Task OneSlot_NeverRunsTwoShardReadsAtOnce()
    {
        await using var server = await TestServer.StartAsync();
        await server.OkAsync("PUT", "/collections/c", """{"vectors": {"size": 2, "distance": "Dot"}, "shard_number": 2}""");
        using var router = new CollectionRouter(server.Node, readConcurrency: 1);
        var collection = router.Resolve("c");
        int running = 0, most = 0;
        int Read()
        {
            int now = Interlocked.Increment(ref running);
            InterlockedMax(ref most, now);
            Thread.SpinWait(20_000); // long enough that unguarded reads on two cores would overlap
            Interlocked.Decrement(ref running);
            return now;
        }

        // 16 two-shard reads at once: 32 shard reads competing for one slot.
        var reads = Enumerable.Range(0, 16)
            .Select(_ => Task.Run(() => router.ReadAllAsync(collection, ReadMode.Any, (_, _) => Read(), CancellationToken.None)))
            .ToArray();
        var answers = await Task.WhenAll(reads);

        Assert.Equal(1, most);
        Assert.All(answers, answer => Assert.Equal([1, 1], answer));
    }

    [Fact]
    public async Task TwoSlots_RunBothShardsOfOneReadAtOnce()
    {
        await using var server = await TestServer.StartAsync();
        await server.OkAsync("PUT", "/collections/c", """{"vectors": {"size": 2, "distance": "Dot"}, "shard_number": 2}""");
        using var router = new CollectionRouter(server.Node, readConcurrency: 2);
        var collection = router.Resolve("c");
        using var bothInside = new CountdownEvent(2);

        // Each shard read waits until the other one is inside too; with one slot this would time out.
        var met = await router.ReadAllAsync(collection, ReadMode.Any, (_, _) =>
        {
            bothInside.Signal();
            return bothInside.Wait(TimeSpan.FromSeconds(30));
        }, CancellationToken.None);

        Assert.Equal([true, true], met);
    }

    [Fact]
    public async Task ZeroSlots_AreRefused()
    {
        await using var server = await TestServer.StartAsync();
        Assert.Throws<ArgumentOutOfRangeException>(() => new CollectionRouter(server.Node, readConcurrency: 0));
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen = Volatile.Read(ref target);
        while (value > seen)
        {
            int previous = Interlocked.CompareExchange(ref target, value, seen);
            if (previous == seen)
            {
                return;
            }
            seen = previous;
        }
    }
}
