using Vectron.Raft.Hosting;
using Vectron.Server.Model;
using Vectron.Server.Worker;

namespace Vectron.Server.Tests.Worker;

public sealed class ShardStateMachineTests
{
    [Fact]
    public void Upsert_WithOneBadPoint_ChangesNothing()
    {
        using var harness = new ShardHarness(3);
        Assert.True(harness.Upsert((1, [1, 0, 0], """{"a": 1}""")).IsApplied);
        var cases = new (ShardCommand Command, string Message)[]
        {
            (Batch((2, [0, 1, 0]), (3, [0, 1]), null), "points[1].vector: expected dimension 3, got 2"),
            (Batch((2, [0, 1, 0]), (3, [0, float.NaN, 0]), null), "points[1].vector[1]: NaN is not a finite number"),
            (Batch((2, [0, 1, 0]), (3, [float.PositiveInfinity, 0, 0]), null), "points[1].vector[0]: Infinity is not a finite number"),
            (Batch((1, [0, 1, 0]), (1, [0, 0, 1]), null), "points[1].id: point 1 appears more than once in the batch"),
            (Batch((1, [0, 1, 0]), (2, [0, 0, 1]), "[1]"), "points[1].payload: expected an object, got an array"),
        };
        foreach ((ShardCommand command, string message) in cases)
        {
            ShardCommandResult result = harness.Apply(command);
            Assert.Equal(ShardResultStatus.BadRequest, result.Status);
            Assert.Equal(message, result.Message);
        }

        Assert.Equal(1, harness.Shard.Count(null));
        PointRecord point = harness.Shard.Get(ShardHarness.Id(1), PayloadSelector.All, withVector: true)!;
        Assert.Equal([1f, 0f, 0f], point.Vector!);
        Assert.Equal("""{"a": 1}""", point.Payload!.Value.GetRawText());
        Assert.Null(harness.Shard.Get(ShardHarness.Id(2), PayloadSelector.All, false));
    }

    [Fact]
    public void Apply_MalformedBytes_IsRejectedAndChangesNothing()
    {
        using var harness = new ShardHarness(2);
        ShardCommandResult result = harness.ApplyBytes([1, 2, 3, 4, 5, 6, 7]);
        Assert.Equal(ShardResultStatus.BadRequest, result.Status);
        Assert.StartsWith("malformed shard command: ", result.Message, StringComparison.Ordinal);
        Assert.Equal(0, harness.Shard.Count(null));
        Assert.Equal(1UL, harness.Shard.GetStats().AppliedIndex);
    }

    [Fact]
    public void Payload_WithDuplicateMemberNames_IsRejected_SoItCanNeverBreakALaterEdit()
    {
        using var harness = new ShardHarness(2);
        ShardCommandResult upsert = harness.Upsert((1, [1, 0], """{"a": 1, "b": {"c": 1, "c": 2}}"""));
        Assert.Equal(ShardResultStatus.BadRequest, upsert.Status);
        Assert.Contains("points[0].payload: malformed JSON", upsert.Message, StringComparison.Ordinal);
        harness.Upsert((1, [1, 0], """{"a": 1}"""));
        ShardCommandResult set = harness.Apply(new SetPayload(PointSelector.ForIds([ShardHarness.Id(1)]), ShardHarness.Json("""{"x": 1, "x": 2}""")));
        Assert.Equal(ShardResultStatus.BadRequest, set.Status);
        Assert.Equal("""{"a": 1}""", Payload(harness, 1));
    }

    [Fact]
    public void SetPayload_ThatWouldNestTooDeep_IsRejected()
    {
        using var harness = new ShardHarness(2);
        harness.Upsert((1, [1, 0], """{"a": 1}"""));
        string key = string.Join(".", Enumerable.Repeat("k", 300));
        ShardCommandResult result = harness.Apply(new SetPayload(PointSelector.ForIds([ShardHarness.Id(1)]), ShardHarness.Json("""{"x": 1}"""), key));
        Assert.Equal(ShardResultStatus.BadRequest, result.Status);
        Assert.Equal("""{"a": 1}""", Payload(harness, 1));
        Assert.True(harness.Apply(new SetPayload(PointSelector.ForIds([ShardHarness.Id(1)]), ShardHarness.Json("""{"x": 1}"""), string.Join(".", Enumerable.Repeat("k", 100)))).IsApplied);
    }

    [Fact]
    public void PayloadCommand_OnAMissingId_IsNotFoundAndChangesNothing()
    {
        using var harness = new ShardHarness(2);
        harness.Upsert((1, [1, 0], """{"a": 1}"""));
        ShardCommandResult result = harness.Apply(new SetPayload(PointSelector.ForIds([ShardHarness.Id(1), ShardHarness.Id(9)]), ShardHarness.Json("""{"b": 2}""")));
        Assert.Equal(ShardResultStatus.NotFound, result.Status);
        Assert.Equal("No point with id 9 found", result.Message);
        Assert.Equal("""{"a": 1}""", Payload(harness, 1));
        Assert.Equal(ShardResultStatus.BadRequest, harness.Apply(new SetPayload(PointSelector.ForIds([ShardHarness.Id(1)]), ShardHarness.Json("[]"))).Status);
        Assert.Equal(ShardResultStatus.BadRequest, harness.Apply(new SetPayload(PointSelector.ForIds([ShardHarness.Id(1)]), ShardHarness.Json("{}"), "a[].b")).Status);
        Assert.Equal(ShardResultStatus.BadRequest, harness.Apply(new DeletePayloadKeys(PointSelector.ForIds([ShardHarness.Id(1)]), ["ok", "a..b"])).Status);
        Assert.Equal("""{"a": 1}""", Payload(harness, 1));
    }

    [Fact]
    public void PayloadCommands_FollowQdrant()
    {
        using var harness = new ShardHarness(2);
        harness.Upsert((1, [1, 0], """{"a": 1, "b": {"c": 2, "d": [{"e": 1, "f": 2}]}}"""), (2, [0, 1], """{"a": 2}"""));
        PointSelector one = PointSelector.ForIds([ShardHarness.Id(1)]);

        Assert.Equal(1, harness.Apply(new SetPayload(one, ShardHarness.Json("""{"a": 5, "z": true}"""))).Count);
        Assert.Equal("""{"a":5,"b":{"c":2,"d":[{"e":1,"f":2}]},"z":true}""", Payload(harness, 1));

        harness.Apply(new SetPayload(one, ShardHarness.Json("""{"x": 1}"""), "b.new"));
        Assert.Equal("""{"a":5,"b":{"c":2,"d":[{"e":1,"f":2}],"new":{"x":1}},"z":true}""", Payload(harness, 1));

        harness.Apply(new DeletePayloadKeys(one, ["b.d[].e", "z", "missing.key"]));
        Assert.Equal("""{"a":5,"b":{"c":2,"d":[{"f":2}],"new":{"x":1}}}""", Payload(harness, 1));

        harness.Apply(new OverwritePayload(one, ShardHarness.Json("""{"only": 1}""")));
        Assert.Equal("""{"only": 1}""", Payload(harness, 1));

        Assert.Equal(2, harness.Apply(new ClearPayload(PointSelector.ForFilter(Filter.Empty))).Count);
        Assert.Equal("{}", Payload(harness, 1));
        Assert.Equal("{}", Payload(harness, 2));

        harness.Apply(new SetPayload(PointSelector.ForFilter(Filter.Parse("""{"must": [{"has_id": [2]}]}""")), ShardHarness.Json("""{"k": "v"}""")));
        Assert.Equal("""{"k":"v"}""", Payload(harness, 2));
        Assert.Equal("{}", Payload(harness, 1));
    }

    [Fact]
    public void Search_FindsAPointRightAfterApply_BeforeAndAfterIndexing()
    {
        // A threshold of 0 makes every non-exact search go through the graph + tail path.
        using var harness = new ShardHarness(4, ShardDistance.Euclid, exactThreshold: 0);
        var random = new Random(5);
        for (ulong id = 0; id < 300; id++)
        {
            harness.Upsert((id, RandomVector(random, 4), null));
        }

        harness.Shard.IndexPending();
        Assert.Equal(0, harness.Shard.GetStats().TailLength);

        float[] target = [10, 10, 10, 10];
        harness.Upsert((1000, target, null));
        Assert.Equal(1, harness.Shard.GetStats().TailLength);
        Assert.Equal(1000UL, harness.Search(target, 1)[0].Id.Number);

        harness.Shard.IndexPending();
        ShardStats stats = harness.Shard.GetStats();
        Assert.Equal((301L, 301L, 0L), (stats.Points, stats.IndexedPoints, stats.TailLength));
        Assert.Equal(1000UL, harness.Search(target, 1)[0].Id.Number);
    }

    [Fact]
    public void Search_NeverReturnsDeletedPoints_IndexedOrNot()
    {
        using var harness = new ShardHarness(2, ShardDistance.Euclid, exactThreshold: 0);
        for (ulong id = 0; id < 200; id++)
        {
            harness.Upsert((id, [id, 0], null));
        }

        harness.Shard.IndexPending();
        harness.Upsert((500, [50.2f, 0], null));
        // 50 is indexed, 500 is in the tail: delete both, before and without indexing.
        Assert.Equal(2, harness.Apply(new DeletePoints([ShardHarness.Id(50), ShardHarness.Id(500), ShardHarness.Id(9999)])).Count);
        IReadOnlyList<ScoredPoint> hits = harness.Search([50.2f, 0], 3);
        Assert.Equal([51UL, 49UL, 52UL], hits.Select(h => h.Id.Number));
        harness.Shard.IndexPending();
        Assert.Equal([51UL, 49UL, 52UL], harness.Search([50.2f, 0], 3).Select(h => h.Id.Number));
        Assert.Equal(0, harness.Apply(new DeletePointsByFilter(Filter.Parse("""{"must": [{"has_id": [50]}]}"""))).Count);
        Assert.Equal(199, harness.Shard.Count(null));
    }

    [Fact]
    public void Upsert_ReplacesVectorAndPayload_InTheGraphAndTheTail()
    {
        using var harness = new ShardHarness(2, ShardDistance.Euclid, exactThreshold: 0);
        for (ulong id = 0; id < 100; id++)
        {
            harness.Upsert((id, [id, 0], $$"""{"v": {{id}}}"""));
        }

        harness.Shard.IndexPending();
        harness.Upsert((7, [500, 0], """{"v": "moved"}"""));
        IReadOnlyList<ScoredPoint> near7 = harness.Search([7, 0], 3);
        Assert.DoesNotContain(7UL, near7.Select(h => h.Id.Number));
        ScoredPoint moved = harness.Search([500, 0], 1)[0];
        Assert.Equal((7UL, 0f, """{"v": "moved"}"""), (moved.Id.Number, moved.Score, moved.Payload!.Value.GetRawText()));
        Assert.Equal(harness.LastIndex, moved.Version);
        harness.Shard.IndexPending();
        Assert.DoesNotContain(7UL, harness.Search([7, 0], 3).Select(h => h.Id.Number));
        Assert.Equal(7UL, harness.Search([500, 0], 1)[0].Id.Number);
        Assert.Equal(100, harness.Shard.Count(null));
    }

    [Fact]
    public void IndexedVectors_AreHeldOnlyByTheGraph_AndReadBackExactly()
    {
        foreach (ShardDistance metric in new[] { ShardDistance.Cosine, ShardDistance.Dot, ShardDistance.Euclid })
        {
            using var harness = new ShardHarness(5, metric, exactThreshold: 0);
            var random = new Random(8);
            for (ulong id = 0; id < 50; id++)
            {
                harness.Upsert((id, RandomVector(random, 5), null));
            }

            var before = Enumerable.Range(0, 50).Select(i => harness.Shard.Get(ShardHarness.Id((ulong)i), PayloadSelector.None, true)!.Vector!).ToList();
            Assert.Equal(50, harness.Shard.OwnVectorCount);
            harness.Shard.IndexPending();
            Assert.Equal(0, harness.Shard.OwnVectorCount);
            for (int i = 0; i < 50; i++)
            {
                // Bit for bit: the graph got the stored (for Cosine: normalised) vector unchanged.
                Assert.Equal(before[i], harness.Shard.Get(ShardHarness.Id((ulong)i), PayloadSelector.None, true)!.Vector!);
            }

            harness.Upsert((3, RandomVector(random, 5), null));
            Assert.Equal(1, harness.Shard.OwnVectorCount);
            float[] query = RandomVector(random, 5);
            Assert.Equal(harness.Search(query, 5, exact: true).Select(h => (h.Id, h.Score)), harness.Search(query, 5).Select(h => (h.Id, h.Score)));
        }
    }

    [Fact]
    public void Scores_FollowQdrantConventions()
    {
        using (var cosine = new ShardHarness(2, ShardDistance.Cosine))
        {
            cosine.Upsert((1, [3, 4], null), (2, [-4, 3], null), (3, [1, 1], null));
            IReadOnlyList<ScoredPoint> hits = cosine.Search([6, 8]);
            Assert.Equal([1UL, 3UL, 2UL], hits.Select(h => h.Id.Number));
            Assert.Equal(1f, hits[0].Score, 5);
            Assert.Equal(7 / (5 * MathF.Sqrt(2)), hits[1].Score, 5);
            Assert.Equal(0f, hits[2].Score, 5);
            // Stored vectors are normalised, as Qdrant stores them.
            Assert.Equal([0.6f, 0.8f], cosine.Shard.Get(ShardHarness.Id(1), PayloadSelector.None, true)!.Vector!, new FloatTolerance(1e-6f));
            Assert.Equal([1UL], cosine.Search([6, 8], threshold: 0.99f).Select(h => h.Id.Number));
        }

        using (var dot = new ShardHarness(2, ShardDistance.Dot))
        {
            dot.Upsert((1, [3, 4], null), (2, [-1, 0], null), (3, [10, 0], null));
            IReadOnlyList<ScoredPoint> hits = dot.Search([1, 2]);
            Assert.Equal([(1UL, 11f), (3UL, 10f), (2UL, -1f)], hits.Select(h => (h.Id.Number, h.Score)));
            Assert.Equal([3, 4], dot.Shard.Get(ShardHarness.Id(1), PayloadSelector.None, true)!.Vector!);
            Assert.Equal(2, dot.Search([1, 2], threshold: 10f).Count);
        }

        using (var euclid = new ShardHarness(2, ShardDistance.Euclid))
        {
            euclid.Upsert((1, [3, 4], null), (2, [0, 1], null), (3, [-3, -4], null));
            IReadOnlyList<ScoredPoint> hits = euclid.Search([0, 0]);
            Assert.Equal([(2UL, 1f), (1UL, 5f), (3UL, 5f)], hits.Select(h => (h.Id.Number, h.Score)));
            Assert.Equal([2UL], euclid.Search([0, 0], threshold: 4.9f).Select(h => h.Id.Number));
        }
    }

    [Fact]
    public void Scores_AreTheSameThroughTheGraph()
    {
        foreach (ShardDistance metric in new[] { ShardDistance.Cosine, ShardDistance.Dot, ShardDistance.Euclid })
        {
            using var harness = new ShardHarness(8, metric, exactThreshold: 0);
            var random = new Random(11);
            for (ulong id = 0; id < 400; id++)
            {
                harness.Upsert((id, RandomVector(random, 8), null));
            }

            harness.Shard.IndexPending();
            float[] query = RandomVector(random, 8);
            IReadOnlyList<ScoredPoint> graph = harness.Search(query, 5);
            IReadOnlyList<ScoredPoint> exact = harness.Search(query, 5, exact: true);
            Assert.Equal(exact.Select(h => h.Id), graph.Select(h => h.Id));
            Assert.Equal(exact.Select(h => h.Score), graph.Select(h => h.Score));
        }
    }

    [Fact]
    public void Search_RejectsBadQueries_NamingTheField()
    {
        using var harness = new ShardHarness(3);
        Assert.StartsWith("vector: expected dimension 3, got 2", Assert.Throws<RequestException>(() => harness.Search([1, 2])).Message, StringComparison.Ordinal);
        Assert.StartsWith("vector[2]: NaN", Assert.Throws<RequestException>(() => harness.Search([1, 2, float.NaN])).Message, StringComparison.Ordinal);
        Assert.StartsWith("limit:", Assert.Throws<RequestException>(() => harness.Search([1, 2, 3], 0)).Message, StringComparison.Ordinal);
        Assert.StartsWith("params.hnsw_ef:", Assert.Throws<RequestException>(() => harness.Shard.Search(new ShardSearch { Vector = [1, 2, 3], Ef = 0 })).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Scroll_PagesInIdOrder_NumbersBeforeUuids()
    {
        using var harness = new ShardHarness(2);
        var uuid = PointId.FromUuid(Guid.Parse("00000000-0000-0000-0000-000000000001"));
        harness.Apply(new UpsertPoints([new PointWrite(uuid, [1, 0], null)]));
        foreach (ulong id in new ulong[] { 9, 3, 5, 1 })
        {
            harness.Upsert((id, [1, 1], id % 2 == 1 && id != 5 ? """{"odd": true}""" : null));
        }

        ScrollPage first = harness.Shard.Scroll(null, 2, null, PayloadSelector.None, false);
        Assert.Equal(["1", "3"], first.Points.Select(p => p.Id.ToString()));
        Assert.Equal(ShardHarness.Id(5), first.NextOffset);
        ScrollPage second = harness.Shard.Scroll(first.NextOffset, 2, null, PayloadSelector.None, false);
        Assert.Equal(["5", "9"], second.Points.Select(p => p.Id.ToString()));
        Assert.Equal(uuid, second.NextOffset);
        ScrollPage last = harness.Shard.Scroll(second.NextOffset, 2, null, PayloadSelector.None, false);
        Assert.Equal([uuid], last.Points.Select(p => p.Id));
        Assert.Null(last.NextOffset);

        Filter odd = Filter.Parse("""{"must": [{"key": "odd", "match": {"value": true}}]}""");
        ScrollPage filtered = harness.Shard.Scroll(ShardHarness.Id(2), 1, odd, PayloadSelector.All, true);
        Assert.Equal(["3"], filtered.Points.Select(p => p.Id.ToString()));
        Assert.Equal(ShardHarness.Id(9), filtered.NextOffset);
        Assert.Equal(3, harness.Shard.Count(odd));
        Assert.Equal(2, harness.Shard.Get([ShardHarness.Id(9), ShardHarness.Id(4), ShardHarness.Id(9), uuid], PayloadSelector.None, false).Count);
    }

    [Fact]
    public void Indexer_RunsInTheBackground_AndStopsOnDispose()
    {
        var shard = new ShardStateMachine(new ShardOptions { Dimension = 2, Metric = ShardDistance.Euclid, IndexerBatchSize = 7 });
        var results = new ReadOnlyMemory<byte>[1];
        var points = Enumerable.Range(0, 100).Select(i => new PointWrite(PointId.FromNumber((ulong)i), [i, 1], null)).ToList();
        shard.Apply([new StateMachineCommand(1, ShardCommandCodec.Encode(new UpsertPoints(points)))], results);
        SpinWait.SpinUntil(() => shard.GetStats().TailLength == 0, TimeSpan.FromSeconds(30));
        Assert.Equal(100, shard.GetStats().IndexedPoints);
        shard.Dispose();
        Assert.Throws<ObjectDisposedException>(() => shard.IndexPending());
    }

    [Fact]
    public void Lookup_AnswersTheEmptyBarrierQueryWithNothing()
    {
        using var harness = new ShardHarness(2);
        Assert.True(harness.Shard.Lookup(ReadOnlyMemory<byte>.Empty).IsEmpty);
    }

    [Fact]
    public void Stats_ReportPayloadIndexes()
    {
        using var harness = new ShardHarness(2);
        harness.Upsert((1, [1, 0], """{"k": "a", "n": [1, 2]}"""), (2, [0, 1], """{"k": 3}"""));
        Assert.Equal(1, harness.Apply(new CreatePayloadIndex("k", PayloadSchemaType.Keyword)).Count);
        Assert.Equal(1, harness.Apply(new CreatePayloadIndex("n", PayloadSchemaType.Integer)).Count);
        Assert.Equal(ShardResultStatus.BadRequest, harness.Apply(new CreatePayloadIndex("a..b", PayloadSchemaType.Integer)).Status);
        Assert.Equal([new PayloadIndexInfo("k", PayloadSchemaType.Keyword, 1), new PayloadIndexInfo("n", PayloadSchemaType.Integer, 1)], harness.Shard.GetStats().PayloadIndexes);
        Assert.Equal(1, harness.Apply(new DeletePayloadIndex("k")).Count);
        Assert.Equal(0, harness.Apply(new DeletePayloadIndex("k")).Count);
        Assert.Single(harness.Shard.GetStats().PayloadIndexes);
    }

    [Theory]
    [InlineData("""{"s": "\ud800"}""")]
    [InlineData("""{"s": ["ok", "\udc00\ud800"]}""")]
    [InlineData("""{"\ud800": 1}""")]
    [InlineData("""{"a": {"b": [{"\udfff": "x"}]}}""")]
    public void Payload_WithAStringThatIsNotValidUtf16_IsRejected_AndNeverBreaksApply(string payload)
    {
        // JSON may escape a lone surrogate (\ud800); System.Text.Json parses it but throws when the
        // string is read. Stored, such a payload made every later read of the key throw inside Apply
        // (a payload index on upsert, a delete or set by filter), which stops the Raft group, and
        // replaying the same entry stops it again.
        using var harness = new ShardHarness(2);
        harness.Upsert((1, [1, 0], """{"s": "ok"}"""));
        Assert.True(harness.Apply(new CreatePayloadIndex("s", PayloadSchemaType.Keyword)).IsApplied);
        ShardCommandResult upsert = harness.Upsert((2, [0, 1], payload));
        Assert.Equal(ShardResultStatus.BadRequest, upsert.Status);
        Assert.Contains("not valid UTF-16", upsert.Message, StringComparison.Ordinal);
        ShardCommandResult set = harness.Apply(new SetPayload(PointSelector.ForIds([ShardHarness.Id(1)]), ShardHarness.Json(payload)));
        Assert.Equal(ShardResultStatus.BadRequest, set.Status);
        ShardCommandResult overwrite = harness.Apply(new OverwritePayload(PointSelector.ForIds([ShardHarness.Id(1)]), ShardHarness.Json(payload)));
        Assert.Equal(ShardResultStatus.BadRequest, overwrite.Status);
        Assert.Equal(1, harness.Shard.Count(null));
        Assert.Equal("""{"s": "ok"}""", Payload(harness, 1));
        Assert.Equal(1, harness.Apply(new DeletePointsByFilter(Filter.Parse("""{"must": [{"key": "s", "match": {"any": ["ok"]}}]}"""))).Count);
    }

    [Fact]
    public void DeletePayloadIndex_FindsTheIndex_WhateverSpellingOfTheKeyCreatedIt()
    {
        using var harness = new ShardHarness(2);
        harness.Upsert((1, [1, 0], """{"country": {"name": "NO"}}"""));
        // The index is kept under the key's canonical form (country.name); a drop spelled the way the
        // create was spelled must find it.
        Assert.Equal(1, harness.Apply(new CreatePayloadIndex("\"country\".name", PayloadSchemaType.Keyword)).Count);
        Assert.Equal(1, harness.Apply(new DeletePayloadIndex("\"country\".name")).Count);
        Assert.Empty(harness.Shard.GetStats().PayloadIndexes);
        Assert.Equal(1, harness.Apply(new CreatePayloadIndex("country.name", PayloadSchemaType.Keyword)).Count);
        Assert.Equal(1, harness.Apply(new DeletePayloadIndex("\"country\".\"name\"")).Count);
        Assert.Empty(harness.Shard.GetStats().PayloadIndexes);
    }

    [Fact]
    public void FilterOnAKeyWithAnEmptyQuotedName_SurvivesTheLog()
    {
        // "" is a valid (quoted, empty) name; the filter travels through the log in its canonical
        // form, which must parse back to the same key on apply.
        using var harness = new ShardHarness(2);
        harness.Upsert((1, [1, 0], """{"": "x", "a": {"": {"b": 1}}}"""), (2, [0, 1], """{"": "y"}"""));
        ShardCommandResult byTopKey = harness.Apply(new DeletePointsByFilter(Filter.Parse("""{"must": [{"key": "\"\"", "match": {"value": "y"}}]}""")));
        Assert.True(byTopKey.IsApplied, byTopKey.Message);
        Assert.Equal(1, byTopKey.Count);
        ShardCommandResult byInnerKey = harness.Apply(new DeletePointsByFilter(Filter.Parse("""{"must": [{"key": "a.\"\".b", "match": {"value": 1}}]}""")));
        Assert.True(byInnerKey.IsApplied, byInnerKey.Message);
        Assert.Equal(1, byInnerKey.Count);
        Assert.Equal(0, harness.Shard.Count(null));
    }

    internal static float[] RandomVector(Random random, int dimension)
    {
        var vector = new float[dimension];
        for (int i = 0; i < dimension; i++)
        {
            vector[i] = (float)((random.NextDouble() * 2) - 1);
        }

        return vector;
    }

    private static string Payload(ShardHarness harness, ulong id) =>
        harness.Shard.Get(ShardHarness.Id(id), PayloadSelector.All, false)!.Payload!.Value.GetRawText();

    private static UpsertPoints Batch((ulong Id, float[] Vector) a, (ulong Id, float[] Vector) b, string? secondPayload) =>
        new([new PointWrite(ShardHarness.Id(a.Id), a.Vector, null), new PointWrite(ShardHarness.Id(b.Id), b.Vector, secondPayload is null ? null : ShardHarness.Json(secondPayload))]);

    private sealed class FloatTolerance(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(float obj) => 0;
    }
}
