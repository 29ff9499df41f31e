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
    public void Reconfigure_RebuildsTheGraphWithTheNewSettings_AndSearchesStayExactMeanwhile()
    {
        using var shard = Filled(5, out var random);
        var queries = Enumerable.Range(0, 10).Select(_ => ShardStateMachineTests.RandomVector(random, 6)).ToList();
        var exactBefore = queries.Select(q => Ids(shard.Search(q, 10, exact: true))).ToList();

        var result = shard.Apply(new ReconfigureIndex(12, 40, ShardQuantization.Int8, true));
        Assert.True(result.IsApplied, result.Message);
        Assert.Equal(300, result.Count);
        Assert.Equal((12, 40, 40, ShardQuantization.Int8), (shard.Shard.Options.M, shard.Shard.Options.EfConstruct, shard.Shard.Options.DefaultEf, shard.Shard.Options.Quantization));
        Assert.Equal((12, QuantizationKind.Int8, 0), (shard.Shard.GraphOptions.M, shard.Shard.GraphOptions.Quantization, shard.Shard.GraphNodeCount));
        var stats = shard.Shard.GetStats();
        Assert.Equal((300L, 0L, 300L), (stats.Points, stats.IndexedPoints, stats.TailLength));
        // Nothing indexed yet: every point is scanned exactly, so graph searches equal exact ones.
        for (int i = 0; i < queries.Count; i++)
        {
            Assert.Equal(exactBefore[i], Ids(shard.Search(queries[i], 10)));
        }

        shard.Shard.IndexPending(120);
        Assert.InRange(shard.Shard.GetStats().IndexedPoints, 100, 120);
        shard.Shard.IndexPending();
        Assert.Equal((300L, 0L), (shard.Shard.GetStats().IndexedPoints, shard.Shard.GetStats().TailLength));
        Assert.Equal(300, shard.Shard.GraphNodeCount);
        Assert.Equal(0, shard.Shard.OwnVectorCount);
        for (int i = 0; i < queries.Count; i++)
        {
            Assert.Equal(exactBefore[i], Ids(shard.Search(queries[i], 10, exact: true)));
        }
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
        source.Shard.IndexPending(100);
        byte[] snapshot = await ShardSnapshotTests.Save(source.Shard);

        using var restored = new ShardHarness(Options);
        await restored.Shard.RestoreSnapshotAsync(new MemoryStream(snapshot), CancellationToken.None);
        Assert.Equal((16, 48, 48, ShardQuantization.Int8, false),
            (restored.Shard.Options.M, restored.Shard.Options.EfConstruct, restored.Shard.Options.DefaultEf, restored.Shard.Options.Quantization, restored.Shard.Options.QuantizationAlwaysRam));
        Assert.Equal(16, restored.Shard.GraphOptions.M);
        Assert.Equal(source.Shard.GetStats().IndexedPoints, restored.Shard.GetStats().IndexedPoints);
        restored.Shard.IndexPending();
        source.Shard.IndexPending();
        var query = ShardStateMachineTests.RandomVector(random, 6);
        Assert.Equal(Ids(source.Search(query, 10, exact: true)), Ids(restored.Search(query, 10, exact: true)));
        Assert.True(restored.Shard.HasIndexSettings(new ReconfigureIndex(16, 48, ShardQuantization.Int8, false)));
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

    private static List<string> Ids(IReadOnlyList<ScoredPoint> hits) => hits.Select(h => h.Id.ToString()).ToList();
}
