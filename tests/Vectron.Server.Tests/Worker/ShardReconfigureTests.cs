using System.Buffers.Binary;
using Vectron.Index;
using Vectron.Server.Model;
using Vectron.Server.Worker;

namespace Vectron.Server.Tests.Worker;

public sealed class ShardReconfigureTests
{
    private static readonly ShardOptions Options = new() { Dimension = 6, Metric = ShardDistance.Cosine, ExactSearchThreshold = 0, M = 8, EfConstruct = 64, DefaultEf = 64 };

    private static ShardHarness Filled(int seed, out Random random)
    {
        random = new Random(seed);
        var harness = new ShardHarness(Options);
        for (ulong id = 0; id < 300; id++)
        {
            harness.Upsert((id, ShardStateMachineTests.RandomVector(random, 6), $$"""{"n": {{id}}}"""));
        }

        harness.Shard.IndexPending();
        // A deleted point still in the old graph, and a tail point.
        harness.Apply(new DeletePoints([PointId.FromNumber(3)]));
        harness.Upsert((1000, ShardStateMachineTests.RandomVector(random, 6), null));
        return harness;
    }

    [Fact]
    public void Reconfigure_BuildsANewGraphBesideTheOldOne_WhichServesUntilTheSwap()
    {
        using var shard = Filled(5, out var random);
        var queries = Enumerable.Range(0, 10).Select(_ => ShardStateMachineTests.RandomVector(random, 6)).ToList();
        var exactBefore = queries.Select(q => Ids(shard.Search(q, 10, exact: true))).ToList();

        var result = shard.Apply(new ReconfigureIndex(12, 40, ShardQuantization.Int8, true));
        Assert.True(result.IsApplied, result.Message);
        Assert.Equal(300, result.Count);
        Assert.Equal((12, 40, 40, ShardQuantization.Int8), (shard.Shard.Options.M, shard.Shard.Options.EfConstruct, shard.Shard.Options.DefaultEf, shard.Shard.Options.Quantization));
        // The old graph (m 8, 300 nodes with the deleted one) still serves; an empty one with the new settings is being built.
        Assert.Equal((8, QuantizationKind.None, 300), (shard.Shard.GraphOptions.M, shard.Shard.GraphOptions.Quantization, shard.Shard.GraphNodeCount));
        Assert.Equal((12, QuantizationKind.Int8, 0), (shard.Shard.RebuildProgress!.Value.Options.M, shard.Shard.RebuildProgress!.Value.Options.Quantization, shard.Shard.RebuildProgress!.Value.Count));
        var stats = shard.Shard.GetStats();
        Assert.Equal((300L, 299L, 1L, true), (stats.Points, stats.IndexedPoints, stats.TailLength, stats.Rebuilding));
        for (int i = 0; i < queries.Count; i++)
        {
            Assert.Equal(exactBefore[i], Ids(shard.Search(queries[i], 10)));
        }

        // The indexer first indexes the tail point into the old graph (and drops the deleted one), then rebuilds.
        shard.Shard.IndexPending(120);
        Assert.Equal((300L, 0L), (shard.Shard.GetStats().IndexedPoints, shard.Shard.GetStats().TailLength));
        Assert.InRange(shard.Shard.RebuildProgress!.Value.Count, 100, 120);
        Assert.Equal(8, shard.Shard.GraphOptions.M);
        shard.Shard.IndexPending();
        Assert.Null(shard.Shard.RebuildProgress);
        Assert.Equal((300L, 0L, false), (shard.Shard.GetStats().IndexedPoints, shard.Shard.GetStats().TailLength, shard.Shard.GetStats().Rebuilding));
        Assert.Equal((12, 40, QuantizationKind.Int8), (shard.Shard.GraphOptions.M, shard.Shard.GraphOptions.EfConstruction, shard.Shard.GraphOptions.Quantization));
        Assert.Equal(300, shard.Shard.GraphNodeCount);
        Assert.Equal(0, shard.Shard.OwnVectorCount);
        for (int i = 0; i < queries.Count; i++)
        {
            Assert.Equal(exactBefore[i], Ids(shard.Search(queries[i], 10, exact: true)));
        }
    }

    [Fact]
    public void Reconfigure_OfAShardWhoseGraphHoldsAtMostOneBatch_SwapsAnEmptyGraphInAtOnce()
    {
        var random = new Random(13);
        using var shard = new ShardHarness(Options with { IndexerBatchSize = 64 });
        for (ulong id = 0; id < 60; id++)
        {
            shard.Upsert((id, ShardStateMachineTests.RandomVector(random, 6), null));
        }

        shard.Shard.IndexPending();
        // A bulk load queued behind the small graph: not indexed twice, into both graphs.
        for (ulong id = 60; id < 400; id++)
        {
            shard.Upsert((id, ShardStateMachineTests.RandomVector(random, 6), null));
        }

        var query = ShardStateMachineTests.RandomVector(random, 6);
        var exact = Ids(shard.Search(query, 10, exact: true));
        Assert.Equal(400, shard.Apply(new ReconfigureIndex(12, 40, ShardQuantization.None, true)).Count);
        Assert.False(shard.Shard.IsRebuilding);
        Assert.Equal((12, 0), (shard.Shard.GraphOptions.M, shard.Shard.GraphNodeCount));
        Assert.Equal((400L, 0L, 400L), (shard.Shard.GetStats().Points, shard.Shard.GetStats().IndexedPoints, shard.Shard.GetStats().TailLength));
        Assert.Equal(exact, Ids(shard.Search(query, 10)));
        Assert.Equal(400, shard.Shard.IndexPending());
        Assert.Equal((400, 0), (shard.Shard.GraphPointCount, shard.Shard.OwnVectorCount));
        Assert.Equal(exact, Ids(shard.Search(query, 10, exact: true)));
    }

    [Fact]
    public void Reconfigure_DuringARebuild_RestartsIt_OrCancelsItWhenTheServingGraphHasTheSettings()
    {
        using var shard = Filled(9, out _);
        shard.Apply(new ReconfigureIndex(12, 40, ShardQuantization.Int8, true));
        shard.Shard.IndexPending(100);
        Assert.True(shard.Shard.RebuildProgress!.Value.Count > 50);

        var again = shard.Apply(new ReconfigureIndex(10, 50, ShardQuantization.None, true));
        Assert.Equal(300, again.Count);
        Assert.Equal((10, 0), (shard.Shard.RebuildProgress!.Value.Options.M, shard.Shard.RebuildProgress!.Value.Count));

        // Back to what the serving graph was built with: the count is the same on every replica
        // (whether or not its rebuild had finished), but nothing is left to build here.
        var back = shard.Apply(new ReconfigureIndex(8, 64, ShardQuantization.None, true));
        Assert.Equal((true, 300L), (back.IsApplied, back.Count));
        Assert.False(shard.Shard.IsRebuilding);
        Assert.Equal(8, shard.Shard.GraphOptions.M);
        Assert.Equal(0, shard.Shard.IndexPending());
    }

    /// <summary>
    /// A held rebuild on a few thousand points: graph searches (not exact) keep finding the true
    /// neighbours from the old graph and scan only the points written since; deletes and updates made
    /// during the rebuild hold before and after the swap.
    /// </summary>
    [Theory]
    [InlineData(21)]
    [InlineData(22)]
    public void DuringAHeldRebuild_SearchesUseTheOldGraph_AndWritesHoldAcrossTheSwap(int seed)
    {
        const int points = 4_000;
        const int dimension = 8;
        var random = new Random(seed);
        using var shard = new ShardHarness(new ShardOptions { Dimension = dimension, Metric = ShardDistance.Euclid, ExactSearchThreshold = 100, M = 12, EfConstruct = 100, DefaultEf = 100, IndexerBatchSize = 128 });
        for (int start = 0; start < points; start += 500)
        {
            var batch = Enumerable.Range(start, 500).Select(i => ((ulong)i, ShardStateMachineTests.RandomVector(random, dimension), (string?)null)).ToArray();
            Assert.True(shard.Upsert(batch).IsApplied);
        }

        shard.Shard.IndexPending();
        Assert.True(shard.Apply(new ReconfigureIndex(8, 40, ShardQuantization.Int8, true)).IsApplied);
        // Part of the new graph is built, then the indexer is held (manual indexing: nothing runs unless called).
        Assert.Equal(1_500, shard.Shard.IndexPending(1_500));
        Assert.Equal(1_500, shard.Shard.RebuildProgress!.Value.Count);
        var queries = Enumerable.Range(0, 40).Select(_ => ShardStateMachineTests.RandomVector(random, dimension)).ToList();

        AssertRecall(shard, queries, seed, "before writes", scannedPerSearch: 0);

        // Writes during the rebuild: delete each query's true nearest neighbour, move 20 points onto
        // queries (slots both behind and ahead of the rebuild's cursor), add 10 new points.
        var deleted = new HashSet<string>();
        for (int q = 0; q < 20; q++)
        {
            string nearest = Ids(shard.Search(queries[q], 1, exact: true))[0];
            deleted.Add(nearest);
            Assert.Equal(1, shard.Apply(new DeletePoints([PointId.FromNumber(ulong.Parse(nearest, System.Globalization.CultureInfo.InvariantCulture))])).Count);
        }

        var moved = new Dictionary<int, ulong>();
        for (int q = 20; q < 40; q++)
        {
            ulong id;
            do
            {
                id = (ulong)random.Next(points);
            }
            while (deleted.Contains(id.ToString(System.Globalization.CultureInfo.InvariantCulture)) || moved.ContainsValue(id));

            moved[q] = id;
            shard.Upsert((id, queries[q].Select(x => x + 0.001f).ToArray(), null));
        }

        shard.Upsert(Enumerable.Range(0, 10).Select(i => ((ulong)(points + i), ShardStateMachineTests.RandomVector(random, dimension), (string?)null)).ToArray());
        Assert.Contains(moved.Values, id => id < 1_500);
        Assert.Contains(moved.Values, id => id >= 1_500);
        var stats = shard.Shard.GetStats();
        Assert.Equal((3_990L, 30L, true), (stats.Points, stats.TailLength, stats.Rebuilding));

        // Each graph search scans exactly only the tail: the 30 points written since the rebuild began, then none.
        void AssertWrites(string when, int tail)
        {
            for (int q = 0; q < 40; q++)
            {
                long scanned = shard.Shard.ExactlyScannedSlots;
                var hits = shard.Search(queries[q], 10);
                Assert.Equal(tail, shard.Shard.ExactlyScannedSlots - scanned);
                Assert.DoesNotContain(hits, h => deleted.Contains(h.Id.ToString()));
                if (moved.TryGetValue(q, out ulong id))
                {
                    // The moved point is scored with its new vector: at 0.001 per component from the query.
                    Assert.Equal(id, hits[0].Id.Number);
                    Assert.Equal(MathF.Sqrt(dimension) * 0.001f, hits[0].Score, 1e-4f);
                }
            }

            AssertRecall(shard, queries, seed, when, tail);
        }

        AssertWrites("during the rebuild", tail: 30);
        Assert.Equal(12, shard.Shard.GraphOptions.M);

        shard.Shard.IndexPending();
        Assert.False(shard.Shard.IsRebuilding);
        Assert.Equal((8, 40, QuantizationKind.Int8), (shard.Shard.GraphOptions.M, shard.Shard.GraphOptions.EfConstruction, shard.Shard.GraphOptions.Quantization));
        Assert.Equal(3_990, shard.Shard.GraphPointCount);
        Assert.Equal((3_990L, 0L), (shard.Shard.GetStats().IndexedPoints, shard.Shard.GetStats().TailLength));
        Assert.Equal(0, shard.Shard.OwnVectorCount);
        AssertWrites("after the swap", tail: 0);
    }

    [Fact]
    public async Task Snapshot_TakenDuringARebuild_RestoresTheOldGraph_AndBuildsTheNewOneAgain()
    {
        using var source = Filled(10, out var random);
        source.Apply(new ReconfigureIndex(16, 48, ShardQuantization.Int8, false));
        source.Shard.IndexPending(150);
        source.Apply(new DeletePoints([PointId.FromNumber(5), PointId.FromNumber(250)]));
        source.Upsert((7, ShardStateMachineTests.RandomVector(random, 6), """{"moved": true}"""), (290, ShardStateMachineTests.RandomVector(random, 6), null));
        Assert.True(source.Shard.IsRebuilding);
        byte[] snapshot = await ShardSnapshotTests.Save(source.Shard);

        using var restored = new ShardHarness(Options);
        await restored.Shard.RestoreSnapshotAsync(new MemoryStream(snapshot), CancellationToken.None);
        Assert.Equal((16, 48, ShardQuantization.Int8, false), (restored.Shard.Options.M, restored.Shard.Options.EfConstruct, restored.Shard.Options.Quantization, restored.Shard.Options.QuantizationAlwaysRam));
        // The graph searched when the snapshot was taken serves again, and the new one is built from scratch.
        Assert.Equal((8, QuantizationKind.None), (restored.Shard.GraphOptions.M, restored.Shard.GraphOptions.Quantization));
        Assert.Equal((16, 0), (restored.Shard.RebuildProgress!.Value.Options.M, restored.Shard.RebuildProgress!.Value.Count));
        Assert.True(restored.Shard.GetStats().Rebuilding);
        var queries = Enumerable.Range(0, 10).Select(_ => ShardStateMachineTests.RandomVector(random, 6)).ToList();
        foreach (var query in queries)
        {
            Assert.Equal(Ids(source.Search(query, 10, exact: true)), Ids(restored.Search(query, 10)));
        }

        restored.Shard.IndexPending();
        Assert.False(restored.Shard.IsRebuilding);
        Assert.Equal((16, QuantizationKind.Int8), (restored.Shard.GraphOptions.M, restored.Shard.GraphOptions.Quantization));
        Assert.Equal(source.Shard.GetStats().Points, restored.Shard.GraphPointCount);
        Assert.Null(restored.Shard.Get(PointId.FromNumber(5), PayloadSelector.All, false));
        Assert.True(restored.Shard.Get(PointId.FromNumber(7), PayloadSelector.All, false)!.Payload!.Value.GetProperty("moved").GetBoolean());
        foreach (var query in queries)
        {
            Assert.Equal(Ids(source.Search(query, 10, exact: true)), Ids(restored.Search(query, 10, exact: true)));
            Assert.Equal(Ids(source.Search(query, 10, exact: true)), Ids(restored.Search(query, 10)));
        }

        // A snapshot taken after the swap restores with no rebuild.
        source.Shard.IndexPending();
        using var after = new ShardHarness(Options);
        await after.Shard.RestoreSnapshotAsync(new MemoryStream(await ShardSnapshotTests.Save(source.Shard)), CancellationToken.None);
        Assert.False(after.Shard.IsRebuilding);
        Assert.Equal(16, after.Shard.GraphOptions.M);
    }

    [Fact]
    public void Reconfigure_ToTheSameSettings_ChangesNothing_AndABadOneIsRefused()
    {
        using var shard = Filled(6, out _);
        int nodes = shard.Shard.GraphNodeCount;
        var same = shard.Apply(new ReconfigureIndex(8, 64, ShardQuantization.None, true));
        Assert.Equal((true, 0L), (same.IsApplied, same.Count));
        Assert.Equal(nodes, shard.Shard.GraphNodeCount);
        Assert.True(shard.Shard.HasIndexSettings(new ReconfigureIndex(8, 64, ShardQuantization.None, true)));

        var bad = shard.Apply(new ReconfigureIndex(1, 64, ShardQuantization.None, true));
        Assert.Equal(ShardResultStatus.BadRequest, bad.Status);
        Assert.Contains("index settings: M must be between 2 and 128", bad.Message, StringComparison.Ordinal);
        Assert.Equal(8, shard.Shard.Options.M);
        Assert.Equal(nodes, shard.Shard.GraphNodeCount);
    }

    [Fact]
    public async Task Snapshot_RecordsTheNewSettings_AndARestoreIntoAShardMadeWithTheOldOnesUsesThem()
    {
        using var source = Filled(7, out var random);
        source.Apply(new ReconfigureIndex(16, 48, ShardQuantization.Int8, false));
        source.Shard.IndexPending();
        byte[] snapshot = await ShardSnapshotTests.Save(source.Shard);

        using var restored = new ShardHarness(Options);
        await restored.Shard.RestoreSnapshotAsync(new MemoryStream(snapshot), CancellationToken.None);
        Assert.Equal((16, 48, 48, ShardQuantization.Int8, false),
            (restored.Shard.Options.M, restored.Shard.Options.EfConstruct, restored.Shard.Options.DefaultEf, restored.Shard.Options.Quantization, restored.Shard.Options.QuantizationAlwaysRam));
        Assert.Equal(16, restored.Shard.GraphOptions.M);
        Assert.False(restored.Shard.IsRebuilding);
        Assert.Equal(source.Shard.GetStats().IndexedPoints, restored.Shard.GetStats().IndexedPoints);
        var query = ShardStateMachineTests.RandomVector(random, 6);
        Assert.Equal(Ids(source.Search(query, 10, exact: true)), Ids(restored.Search(query, 10, exact: true)));
        Assert.True(restored.Shard.HasIndexSettings(new ReconfigureIndex(16, 48, ShardQuantization.Int8, false)));
    }

    [Fact]
    public async Task Version2Snapshot_StillRestores_WithoutARebuild()
    {
        using var source = Filled(12, out var random);
        byte[] snapshot = await ShardSnapshotTests.Save(source.Shard);
        Assert.Equal(3u, BinaryPrimitives.ReadUInt32LittleEndian(snapshot.AsSpan(8)));
        // Version 2 has the same bytes; only the meaning of HNSW widened in version 3.
        BinaryPrimitives.WriteUInt32LittleEndian(snapshot.AsSpan(8), 2);

        using var restored = new ShardHarness(Options);
        await restored.Shard.RestoreSnapshotAsync(new MemoryStream(snapshot), CancellationToken.None);
        Assert.False(restored.Shard.IsRebuilding);
        Assert.Equal(source.Shard.GetStats().Points, restored.Shard.GetStats().Points);
        var query = ShardStateMachineTests.RandomVector(random, 6);
        Assert.Equal(Ids(source.Search(query, 10, exact: true)), Ids(restored.Search(query, 10)));
    }

    [Fact]
    public async Task Version1Snapshot_StillRestores_WithTheShardsOwnDefaultEf()
    {
        using var source = Filled(8, out _);
        byte[] v2 = await ShardSnapshotTests.Save(source.Shard);
        // Version 1 = version 2 without OPTS's last 5 bytes (default ef, always_ram).
        int optsLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(v2.AsSpan(20));
        byte[] opts = v2.AsSpan(28, optsLength - 5).ToArray();
        var v1 = new List<byte>(v2[..16]);
        BinaryPrimitives.WriteUInt32LittleEndian(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(v1).Slice(8), 1);
        v1.AddRange("OPTS"u8.ToArray());
        v1.AddRange(BitConverter.GetBytes((ulong)opts.Length));
        v1.AddRange(opts);
        v1.AddRange(BitConverter.GetBytes(Crc(opts)));
        v1.AddRange(v2[(28 + optsLength + 4)..]);

        using var restored = new ShardHarness(Options with { DefaultEf = 33 });
        await restored.Shard.RestoreSnapshotAsync(new MemoryStream([.. v1]), CancellationToken.None);
        Assert.Equal((8, 64, 33), (restored.Shard.Options.M, restored.Shard.Options.EfConstruct, restored.Shard.Options.DefaultEf));
        Assert.Equal(source.Shard.GetStats().Points, restored.Shard.GetStats().Points);
    }

    private static uint Crc(ReadOnlySpan<byte> bytes)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in bytes)
        {
            crc = System.Numerics.BitOperations.Crc32C(crc, b);
        }

        return ~crc;
    }

    /// <summary>
    /// Graph search at ef 64 against the exact answer: recall@10 over the queries at least 0.95, each
    /// search scanning exactly <paramref name="scannedPerSearch"/> slots (the tail). (At a higher ef the
    /// index itself would scan these few thousand admitted points flat instead of traversing the graph.)
    /// </summary>
    private static void AssertRecall(ShardHarness shard, List<float[]> queries, int seed, string when, int scannedPerSearch)
    {
        int found = 0, wanted = 0;
        foreach (float[] query in queries)
        {
            var exact = Ids(shard.Search(query, 10, exact: true));
            long scanned = shard.Shard.ExactlyScannedSlots;
            var graph = shard.Shard.Search(new ShardSearch { Vector = query, Limit = 10, Ef = 64, WithPayload = PayloadSelector.None });
            Assert.Equal(scannedPerSearch, shard.Shard.ExactlyScannedSlots - scanned);
            found += graph.Count(h => exact.Contains(h.Id.ToString()));
            wanted += exact.Count;
        }

        double recall = found / (double)wanted;
        Assert.True(recall >= 0.95, $"seed {seed}, {when}: recall {recall:F3}");
    }

    private static List<string> Ids(IReadOnlyList<ScoredPoint> hits) => hits.Select(h => h.Id.ToString()).ToList();
}
