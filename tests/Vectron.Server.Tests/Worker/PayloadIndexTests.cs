using Vectron.Server.Model;
using Vectron.Server.Worker;

namespace Vectron.Server.Tests.Worker;

public sealed class PayloadIndexTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Filters_GiveTheSameAnswers_WithAndWithoutPayloadIndexes(int seed)
    {
        var random = new Random(seed);
        var payloads = new RandomPayloads(random);
        using var plain = new ShardHarness(new ShardOptions { Dimension = 4, Metric = ShardDistance.Euclid, ExactSearchThreshold = 0 });
        using var indexed = new ShardHarness(new ShardOptions { Dimension = 4, Metric = ShardDistance.Euclid, ExactSearchThreshold = 50 });
        foreach ((string field, PayloadSchemaType schema) in RandomPayloads.Indexes.Take(4))
        {
            Assert.True(indexed.Apply(new CreatePayloadIndex(field, schema)).IsApplied);
        }

        // Points arrive before and after the remaining indexes exist, and payloads change under them.
        for (int round = 0; round < 4; round++)
        {
            var batch = new List<PointWrite>();
            for (int i = 0; i < 60; i++)
            {
                batch.Add(new PointWrite(PointId.FromNumber((ulong)random.Next(0, 150)), ShardStateMachineTests.RandomVector(random, 4), ShardHarness.Json(payloads.Payload())));
            }

            batch = batch.DistinctBy(p => p.Id).ToList();
            Assert.True(plain.Apply(new UpsertPoints(batch)).IsApplied);
            Assert.True(indexed.Apply(new UpsertPoints(batch)).IsApplied);
            var edit = new SetPayload(PointSelector.ForFilter(Filter.Parse(payloads.Filter())), ShardHarness.Json(payloads.Payload()));
            Assert.Equal(plain.Apply(edit), indexed.Apply(edit));
            if (round == 1)
            {
                foreach ((string field, PayloadSchemaType schema) in RandomPayloads.Indexes.Skip(4))
                {
                    Assert.True(indexed.Apply(new CreatePayloadIndex(field, schema)).IsApplied);
                }
            }
        }

        plain.Shard.IndexPending();
        int bounded = 0;
        for (int i = 0; i < 300; i++)
        {
            string text = payloads.Filter();
            Filter filter = Filter.Parse(text);
            bounded += indexed.Shard.PlannedCandidates(filter) is null ? 0 : 1;
            Assert.True(plain.Shard.PlannedCandidates(filter) is null || filter.ToString().Contains("has_id", StringComparison.Ordinal), text);
            string context = $"seed {seed}, filter {text}";
            Assert.True(plain.Shard.Count(filter) == indexed.Shard.Count(filter), context);
            float[] query = ShardStateMachineTests.RandomVector(random, 4);
            var expected = plain.Search(query, 7, text, exact: true).Select(h => (h.Id, h.Score)).ToList();
            Assert.True(expected.SequenceEqual(indexed.Search(query, 7, text, exact: true).Select(h => (h.Id, h.Score))), context);
            // The indexed shard plans an exact scan of the candidates when they are few; it must agree too.
            if (indexed.Shard.PlannedCandidates(filter) is <= 50)
            {
                Assert.True(expected.SequenceEqual(indexed.Search(query, 7, text).Select(h => (h.Id, h.Score))), context);
            }

            ScrollPage a = plain.Shard.Scroll(null, 1000, filter, PayloadSelector.None, false);
            ScrollPage b = indexed.Shard.Scroll(null, 1000, filter, PayloadSelector.None, false);
            Assert.True(a.Points.Select(p => p.Id).SequenceEqual(b.Points.Select(p => p.Id)), context);
        }

        // Most random filters have an indexed condition the planner can use.
        Assert.InRange(bounded, 100, 300);

        var delete = new DeletePointsByFilter(Filter.Parse("""{"must": [{"key": "kw", "match": {"any": ["red", "blue"]}}]}"""));
        ShardCommandResult deleted = indexed.Apply(delete);
        Assert.Equal(plain.Apply(delete), deleted);
        Assert.True(deleted.Count > 0);
        Assert.Equal(plain.Shard.Count(null), indexed.Shard.Count(null));
    }

    [Fact]
    public void Scroll_ThroughAnIndexedFilter_PagesLikeAFullWalk()
    {
        using var plain = new ShardHarness(2);
        using var indexed = new ShardHarness(2);
        indexed.Apply(new CreatePayloadIndex("group", PayloadSchemaType.Keyword));
        foreach (ShardHarness harness in new[] { plain, indexed })
        {
            for (ulong id = 0; id < 100; id++)
            {
                harness.Upsert(((id * 37) % 101, [1, id], $$"""{"group": "{{(id % 10 == 3 ? "small" : "large")}}"}"""));
            }
        }

        Filter filter = Filter.Parse("""{"must": [{"key": "group", "match": {"value": "small"}}]}""");
        Assert.Equal(10, indexed.Shard.PlannedCandidates(filter));
        foreach (int page in new[] { 1, 3, 10, 11 })
        {
            Assert.Equal(Pages(plain, page), Pages(indexed, page));
        }

        Assert.Equal(10, Pages(indexed, 3).Count);

        static List<(ulong Id, ulong? Next)> Pages(ShardHarness harness, int page)
        {
            var seen = new List<(ulong, ulong?)>();
            PointId? offset = null;
            int pages = 0;
            do
            {
                // A scroll that does not advance would loop forever: 200 pages is far more than 10 points need.
                Assert.True(++pages < 200, "the scroll does not advance");
                ScrollPage result = harness.Shard.Scroll(offset, page, Filter.Parse("""{"must": [{"key": "group", "match": {"value": "small"}}]}"""), PayloadSelector.None, false);
                seen.AddRange(result.Points.Select(p => (p.Id.Number, result.NextOffset?.Number)));
                offset = result.NextOffset;
            }
            while (offset is not null);

            return seen;
        }
    }

    [Fact]
    public void Planner_BoundsByTheMostSelectiveIndexedCondition()
    {
        using var harness = new ShardHarness(2);
        for (ulong id = 0; id < 100; id++)
        {
            harness.Upsert((id, [1, id], $$"""{"group": "{{(id < 10 ? "small" : "large")}}", "n": {{id}}, "t": "2024-01-{{(id % 28) + 1:00}}"}"""));
        }

        harness.Apply(new CreatePayloadIndex("group", PayloadSchemaType.Keyword));
        harness.Apply(new CreatePayloadIndex("n", PayloadSchemaType.Float));
        harness.Apply(new CreatePayloadIndex("t", PayloadSchemaType.Datetime));
        Assert.Equal(10, harness.Shard.PlannedCandidates(Filter.Parse("""{"must": [{"key": "group", "match": {"value": "small"}}]}""")));
        Assert.Equal(5, harness.Shard.PlannedCandidates(Filter.Parse("""{"must": [{"key": "group", "match": {"value": "large"}}, {"key": "n", "range": {"gte": 20, "lt": 25}}]}""")));
        Assert.Equal(15, harness.Shard.PlannedCandidates(Filter.Parse("""{"should": [{"key": "group", "match": {"value": "small"}}, {"key": "n", "range": {"gt": 94.5}}]}""")));
        Assert.Equal(4, harness.Shard.PlannedCandidates(Filter.Parse("""{"must": [{"key": "t", "range": {"gte": "2024-01-02", "lt": "2024-01-03"}}]}""")));
        Assert.Equal(2, harness.Shard.PlannedCandidates(Filter.Parse("""{"must": [{"has_id": [3, 4, 1000]}]}""")));
        Assert.Null(harness.Shard.PlannedCandidates(Filter.Parse("""{"must_not": [{"key": "group", "match": {"value": "small"}}]}""")));
        Assert.Null(harness.Shard.PlannedCandidates(Filter.Parse("""{"should": [{"key": "group", "match": {"value": "small"}}, {"key": "other", "match": {"value": 1}}]}""")));

        // Changes reach the indexes: moving a point out of "small" shrinks the bound; deleting one too.
        harness.Apply(new SetPayload(PointSelector.ForIds([PointId.FromNumber(0)]), ShardHarness.Json("""{"group": "large"}""")));
        harness.Apply(new DeletePoints([PointId.FromNumber(1)]));
        Assert.Equal(8, harness.Shard.PlannedCandidates(Filter.Parse("""{"must": [{"key": "group", "match": {"value": "small"}}]}""")));
        Assert.Equal(8, harness.Shard.Count(Filter.Parse("""{"must": [{"key": "group", "match": {"value": "small"}}]}""")));
    }
}
