using Vectron.Server.Model;
using Vectron.Server.Worker;

namespace Vectron.Server.Tests.Worker;

public sealed class ShardSnapshotTests
{
    private static readonly ShardOptions Options = new() { Dimension = 6, Metric = ShardDistance.Cosine, ExactSearchThreshold = 0, M = 8, EfConstruct = 64 };

    [Fact]
    public async Task Restore_GivesIdenticalAnswers_AndLoadsTheGraphInsteadOfRebuildingIt()
    {
        var random = new Random(42);
        var payloads = new RandomPayloads(random);
        using var source = new ShardHarness(Options);
        for (ulong id = 0; id < 400; id++)
        {
            source.Upsert((id, ShardStateMachineTests.RandomVector(random, 6), payloads.Payload()));
        }

        source.Apply(new CreatePayloadIndex("kw", PayloadSchemaType.Keyword));
        source.Shard.IndexPending();
        // Leave state the indexer has not caught up with: an updated indexed point, a deleted indexed
        // point, new points in the tail.
        source.Upsert((5, ShardStateMachineTests.RandomVector(random, 6), """{"kw": "updated"}"""));
        source.Apply(new DeletePoints([PointId.FromNumber(6), PointId.FromNumber(7)]));
        for (ulong id = 1000; id < 1020; id++)
        {
            source.Upsert((id, ShardStateMachineTests.RandomVector(random, 6), payloads.Payload()));
        }

        byte[] snapshot = await Save(source.Shard);
        using var restored = new ShardHarness(Options);
        await restored.Shard.RestoreSnapshotAsync(new MemoryStream(snapshot), CancellationToken.None);

        ShardStats before = source.Shard.GetStats();
        ShardStats after = restored.Shard.GetStats();
        Assert.Equal((before.Points, before.IndexedPoints, before.TailLength, before.AppliedIndex), (after.Points, after.IndexedPoints, after.TailLength, after.AppliedIndex));
        Assert.Equal(before.PayloadIndexes, after.PayloadIndexes);
        Assert.Equal(21, after.TailLength);
        // The graph came from the file: same node count including the tombstones a rebuild would not have.
        Assert.Equal(source.Shard.GraphNodeCount, restored.Shard.GraphNodeCount);
        Assert.Equal(400, restored.Shard.GraphNodeCount);

        AssertSameAnswers(source, restored, random, payloads);
        // Both catch up the same way: the tail is indexed, the deleted points leave the graph.
        source.Shard.IndexPending();
        restored.Shard.IndexPending();
        Assert.Equal(0, restored.Shard.GetStats().TailLength);
        AssertSameAnswers(source, restored, random, payloads);

        // A snapshot of the restored shard is byte-identical to one of the source in the same state.
        Assert.Equal(await Save(source.Shard), await Save(restored.Shard));
    }

    [Fact]
    public async Task Restore_RejectsADamagedSnapshot_NamingWhatIsWrong_AndKeepsTheState()
    {
        using var source = new ShardHarness(Options);
        var random = new Random(3);
        for (ulong id = 0; id < 50; id++)
        {
            source.Upsert((id, ShardStateMachineTests.RandomVector(random, 6), $$"""{"n": {{id}}}"""));
        }

        source.Shard.IndexPending();
        byte[] snapshot = await Save(source.Shard);
        using var target = new ShardHarness(Options);
        target.Upsert((77, ShardStateMachineTests.RandomVector(random, 6), null));

        Assert.Contains("bad magic", await Failure(target, Change(snapshot, 0, 0x20)), StringComparison.Ordinal);
        Assert.Contains("unsupported format version", await Failure(target, Change(snapshot, 8, 0x07)), StringComparison.Ordinal);
        Assert.Contains("expected section OPTS", await Failure(target, Change(snapshot, 16, 0x01)), StringComparison.Ordinal);
        Assert.Contains("section OPTS is damaged", await Failure(target, Change(snapshot, 28, 0x01)), StringComparison.Ordinal);
        int points = IndexOf(snapshot, "PNTS"u8);
        Assert.Contains("section PNTS is damaged", await Failure(target, Change(snapshot, points + 40, 0x01)), StringComparison.Ordinal);
        int graph = IndexOf(snapshot, "HNSW"u8);
        Assert.Contains("section HNSW is damaged", await Failure(target, Change(snapshot, graph + 100, 0x01)), StringComparison.Ordinal);
        Assert.Contains("truncated", await Failure(target, snapshot[..(snapshot.Length - 10)]), StringComparison.Ordinal);
        Assert.Contains("unexpected bytes after the last section", await Failure(target, [.. snapshot, 0]), StringComparison.Ordinal);
        // Cut inside the last section's CRC, with the section's length claiming nothing: fewer than the
        // CRC's 4 bytes remain after the header.
        for (int kept = 0; kept < 4; kept++)
        {
            byte[] cut = snapshot[..(graph + 12 + kept)];
            cut.AsSpan(graph + 4, 8).Clear();
            Assert.Contains("truncated", await Failure(target, cut), StringComparison.Ordinal);
        }


        using var other = new ShardHarness(Options with { Dimension = 5 });
        Assert.Contains("dimension 6", await Failure(other, snapshot), StringComparison.Ordinal);

        // Every failed restore left the target as it was.
        Assert.Equal(1, target.Shard.Count(null));
        Assert.NotNull(target.Shard.Get(PointId.FromNumber(77), PayloadSelector.None, false));
    }

    [Fact]
    public async Task SnapshotLookup_AnswersTheSnapshot_OtherQueriesNothing()
    {
        var random = new Random(7);
        using var source = new ShardHarness(Options);
        for (ulong id = 0; id < 50; id++)
        {
            source.Upsert((id, ShardStateMachineTests.RandomVector(random, 6), null));
        }

        var answer = source.Shard.Lookup(ShardStateMachine.SnapshotQuery);
        using var restored = new ShardHarness(Options);
        await restored.Shard.RestoreSnapshotAsync(new MemoryStream(answer.ToArray()), CancellationToken.None);

        Assert.Equal(50, restored.Shard.GetStats().Points);
        Assert.Equal(await Save(source.Shard), answer.ToArray());
        Assert.True(source.Shard.Lookup(ReadOnlyMemory<byte>.Empty).IsEmpty);
        Assert.True(source.Shard.Lookup("snapshot?"u8.ToArray()).IsEmpty);
    }

    [Fact]
    public async Task Restore_OfAnEmptyShard_Works()
    {
        using var source = new ShardHarness(Options);
        using var target = new ShardHarness(Options);
        target.Upsert((1, [1, 0, 0, 0, 0, 0], null));
        await target.Shard.RestoreSnapshotAsync(new MemoryStream(await Save(source.Shard)), CancellationToken.None);
        Assert.Equal(0, target.Shard.Count(null));
        Assert.Empty(target.Search([1, 0, 0, 0, 0, 0]));
    }

    [Fact]
    public async Task Restore_KeepsAPayloadIndexOnAKeyWithAnEmptyQuotedName()
    {
        using var source = new ShardHarness(Options);
        source.Upsert((1, [1, 0, 0, 0, 0, 0], """{"a": {"": "x"}}"""));
        Assert.True(source.Apply(new CreatePayloadIndex("a.\"\"", PayloadSchemaType.Keyword)).IsApplied);
        using var target = new ShardHarness(Options);
        await target.Shard.RestoreSnapshotAsync(new MemoryStream(await Save(source.Shard)), CancellationToken.None);
        Assert.Equal(source.Shard.GetStats().PayloadIndexes, target.Shard.GetStats().PayloadIndexes);
        Assert.Equal(1, target.Shard.PlannedCandidates(Filter.Parse("""{"must": [{"key": "a.\"\"", "match": {"value": "x"}}]}""")));
    }

    [Fact]
    public async Task Restore_RefusesASlotCountThatIsNotThePointsPlusTheFreeSlots()
    {
        // Every slot holds a point or is free, so the count is implied; a larger one (CRC intact, as
        // in a crafted upload) would have the restore allocate and walk that many slots.
        using var source = new ShardHarness(Options);
        source.Upsert((1, [1, 0, 0, 0, 0, 0], null), (2, [0, 1, 0, 0, 0, 0], null), (3, [0, 0, 1, 0, 0, 0], null));
        source.Apply(new DeletePoints([PointId.FromNumber(2)]));
        byte[] snapshot = await Save(source.Shard);
        int meta = IndexOf(snapshot, "META"u8);
        int length = (int)BitConverter.ToUInt64(snapshot, meta + 4);
        using var target = new ShardHarness(Options);
        foreach (uint slots in new uint[] { 4, 2, 1_000_000_000 })
        {
            byte[] changed = (byte[])snapshot.Clone();
            BitConverter.TryWriteBytes(changed.AsSpan(meta + 12 + 8, 4), slots);
            BitConverter.TryWriteBytes(changed.AsSpan(meta + 12 + length, 4), Crc32C(changed.AsSpan(meta + 12, length)));
            Assert.Contains("slot", await Failure(target, changed), StringComparison.Ordinal);
        }

        await target.Shard.RestoreSnapshotAsync(new MemoryStream(snapshot), CancellationToken.None);
        Assert.Equal(2, target.Shard.Count(null));
    }

    internal static async Task<byte[]> Save(ShardStateMachine shard)
    {
        var stream = new MemoryStream();
        await shard.SaveSnapshotAsync(stream, CancellationToken.None);
        return stream.ToArray();
    }

    private static void AssertSameAnswers(ShardHarness a, ShardHarness b, Random random, RandomPayloads payloads)
    {
        for (int i = 0; i < 50; i++)
        {
            float[] query = ShardStateMachineTests.RandomVector(random, 6);
            string? filter = i % 2 == 0 ? null : payloads.Filter();
            foreach (bool exact in new[] { true, false })
            {
                var left = a.Search(query, 10, filter, exact).Select(h => (h.Id, h.Score, h.Version, h.Payload?.GetRawText())).ToList();
                var right = b.Search(query, 10, filter, exact).Select(h => (h.Id, h.Score, h.Version, h.Payload?.GetRawText())).ToList();
                Assert.Equal(left, right);
            }

            Filter? parsed = filter is null ? null : Filter.Parse(filter);
            Assert.Equal(a.Shard.Count(parsed), b.Shard.Count(parsed));
            Assert.Equal(
                a.Shard.Scroll(null, 5000, parsed, PayloadSelector.All, true).Points.Select(p => (p.Id, p.Payload?.GetRawText(), string.Join(",", p.Vector!))),
                b.Shard.Scroll(null, 5000, parsed, PayloadSelector.All, true).Points.Select(p => (p.Id, p.Payload?.GetRawText(), string.Join(",", p.Vector!))));
        }
    }

    private static async Task<string> Failure(ShardHarness target, byte[] snapshot)
    {
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => target.Shard.RestoreSnapshotAsync(new MemoryStream(snapshot), CancellationToken.None));
        return error.Message;
    }

    private static byte[] Change(byte[] bytes, int at, byte mask)
    {
        byte[] copy = (byte[])bytes.Clone();
        copy[at] ^= mask;
        return copy;
    }

    private static int IndexOf(byte[] bytes, ReadOnlySpan<byte> tag) => bytes.AsSpan().IndexOf(tag);

    /// <summary>CRC-32C (Castagnoli, reflected), bit by bit: enough for re-sealing a patched section.</summary>
    private static uint Crc32C(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int i = 0; i < 8; i++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F63B78 : crc >> 1;
            }
        }

        return ~crc;
    }
}
