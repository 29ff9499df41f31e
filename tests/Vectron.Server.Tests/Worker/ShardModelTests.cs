using System.Globalization;
using System.Text.Json.Nodes;
using Vectron.Server.Model;
using Vectron.Server.Worker;

namespace Vectron.Server.Tests.Worker;

/// <summary>
/// Seeded random sequences of writes, reads, indexer runs and snapshot/restore cycles against
/// <see cref="ShardModel"/>; every answer is compared. <c>VECTRON_SHARD_MODEL_SEED</c> replays one seed; <c>VECTRON_SHARD_MODEL_SEEDS</c> and <c>VECTRON_SHARD_MODEL_STEPS</c> run more.
/// </summary>
public sealed class ShardModelTests
{
    private static readonly int Steps = int.Parse(Environment.GetEnvironmentVariable("VECTRON_SHARD_MODEL_STEPS") ?? "400", CultureInfo.InvariantCulture);
    private const int Dimension = 4;

    public static TheoryData<int> Seeds()
    {
        string? only = Environment.GetEnvironmentVariable("VECTRON_SHARD_MODEL_SEED");
        string? count = Environment.GetEnvironmentVariable("VECTRON_SHARD_MODEL_SEEDS");
        return only is not null ? [int.Parse(only, CultureInfo.InvariantCulture)]
            : [.. Enumerable.Range(1, count is null ? 8 : int.Parse(count, CultureInfo.InvariantCulture))];
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task RandomOperations_GiveTheModelsAnswers(int seed)
    {
        var run = new Run(seed);
        try
        {
            await run.ExecuteAsync();
        }
        catch (Exception error) when (error is not OutOfMemoryException)
        {
            throw new InvalidOperationException($"Shard model test failed: seed {seed} (replay with VECTRON_SHARD_MODEL_SEED={seed}), step {run.Step}, operation {run.Operation}: {error.Message}", error);
        }
        finally
        {
            run.Dispose();
        }
    }

    private sealed class Run : IDisposable
    {
        private static readonly string[] DeletableKeys = ["kw", "n", "obj.kw", "arr", "e", "nope", "obj.nope.deeper"];

        private readonly Random _random;
        private readonly RandomPayloads _payloads;
        private readonly ShardOptions _options;
        private readonly ShardModel _model;
        private readonly PointId[] _ids;
        private ShardHarness _shard;

        public Run(int seed)
        {
            _random = new Random(seed);
            _payloads = new RandomPayloads(_random);
            ShardDistance metric = (ShardDistance)(seed % 3);
            _options = new ShardOptions
            {
                Dimension = Dimension,
                Metric = metric,
                ExactSearchThreshold = new[] { 0, 15, 2000 }[(seed / 3) % 3],
                IndexerBatchSize = 1 + _random.Next(16),
                IndexerThreads = 1 + _random.Next(2),
                M = 4,
                EfConstruct = 32,
            };
            _model = new ShardModel(metric);
            _shard = new ShardHarness(_options);
            _ids = [.. Enumerable.Range(0, 60).Select(i => PointId.FromNumber((ulong)i)),
                .. Enumerable.Range(0, 10).Select(i => PointId.FromUuid(new Guid(i * 7919, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10)))];
        }

        public int Step { get; private set; }

        public string Operation { get; private set; } = "none";

        public async Task ExecuteAsync()
        {
            for (Step = 0; Step < Steps; Step++)
            {
                int roll = _random.Next(100);
                switch (roll)
                {
                    case < 22: Upsert(); break;
                    case < 29: DeleteIds(); break;
                    case < 32: DeleteByFilter(); break;
                    case < 40: SetPayload(); break;
                    case < 44: OverwriteOrClear(); break;
                    case < 48: DeleteKeys(); break;
                    case < 50: PayloadIndex(); break;
                    case < 52: Reconfigure(); break;
                    case < 65: ExactSearch(); break;
                    case < 70: GraphSearch(); break;
                    case < 77: Count(); break;
                    case < 82: Scroll(); break;
                    case < 87: Get(); break;
                    case < 95: Index(); break;
                    default: await SnapshotAndRestoreAsync(); break;
                }
            }

            Operation = "final check";
            _shard.Shard.IndexPending();
            Scroll();
            ExactSearch();
        }

        public void Dispose() => _shard.Dispose();

        private void Upsert()
        {
            int count = _random.Next(1, 7);
            var points = new List<PointWrite>();
            foreach (PointId id in Pick(count).Distinct())
            {
                points.Add(new PointWrite(id, ShardStateMachineTests.RandomVector(_random, Dimension), _random.Next(6) == 0 ? null : ShardHarness.Json(_payloads.Payload())));
            }

            int bad = _random.Next(12);
            if (bad < 4)
            {
                Operation = "upsert with a bad point " + bad;
                int at = _random.Next(points.Count);
                PointWrite victim = points[at];
                points[at] = bad switch
                {
                    0 => victim with { Vector = [1, 2, 3] },
                    1 => victim with { Vector = [0, float.NaN, 0, 0] },
                    2 => victim with { Payload = ShardHarness.Json("\"text\"") },
                    _ => victim,
                };
                if (bad == 3)
                {
                    points.Add(victim with { Vector = ShardStateMachineTests.RandomVector(_random, Dimension) });
                }

                Assert.Equal(ShardResultStatus.BadRequest, _shard.Apply(new UpsertPoints(points)).Status);
                return;
            }

            Operation = $"upsert {points.Count}";
            Assert.Equal(ShardCommandResult.Applied(points.Count), _shard.Apply(new UpsertPoints(points)));
            foreach (PointWrite point in points)
            {
                JsonObject payload = point.Payload is { } json ? JsonNode.Parse(json.GetRawText())!.AsObject() : [];
                _model.Upsert(point.Id, point.Vector, payload, _shard.LastIndex);
            }
        }

        private void DeleteIds()
        {
            List<PointId> ids = Pick(_random.Next(1, 4));
            Operation = "delete " + string.Join(",", ids);
            int existing = ids.Distinct().Count(_model.Points.ContainsKey);
            Assert.Equal(ShardCommandResult.Applied(existing), _shard.Apply(new DeletePoints(ids)));
            ids.ForEach(id => _model.Points.Remove(id));
        }

        private void DeleteByFilter()
        {
            Filter filter = RandomFilter();
            Operation = "delete by filter " + filter;
            List<PointId> matching = _model.Matching(filter);
            Assert.Equal(ShardCommandResult.Applied(matching.Count), _shard.Apply(new DeletePointsByFilter(filter)));
            matching.ForEach(id => _model.Points.Remove(id));
        }

        private void SetPayload()
        {
            (PointSelector selector, List<PointId>? targets) = Selector();
            string? key = _random.Next(3) == 0 ? new[] { "obj", "obj.inner", "fresh" }[_random.Next(3)] : null;
            JsonObject values = JsonNode.Parse(_payloads.Payload())!.AsObject();
            Operation = $"set payload {values.ToJsonString()} at {key ?? "root"}";
            ShardCommandResult result = _shard.Apply(new SetPayload(selector, ShardModel.Element(values), key));
            if (targets is null)
            {
                Assert.Equal(ShardResultStatus.NotFound, result.Status);
                return;
            }

            Assert.Equal(ShardCommandResult.Applied(targets.Count), result);
            _model.SetPayload(targets, values, key, _shard.LastIndex);
        }

        private void OverwriteOrClear()
        {
            (PointSelector selector, List<PointId>? targets) = Selector();
            bool clear = _random.Next(2) == 0;
            JsonObject values = JsonNode.Parse(_payloads.Payload())!.AsObject();
            Operation = clear ? "clear payload" : "overwrite payload " + values.ToJsonString();
            ShardCommandResult result = _shard.Apply(clear ? new ClearPayload(selector) : new OverwritePayload(selector, ShardModel.Element(values)));
            if (targets is null)
            {
                Assert.Equal(ShardResultStatus.NotFound, result.Status);
                return;
            }

            Assert.Equal(ShardCommandResult.Applied(targets.Count), result);
            _model.ReplacePayload(targets, () => clear ? [] : values.DeepClone().AsObject(), _shard.LastIndex);
        }

        private void DeleteKeys()
        {
            (PointSelector selector, List<PointId>? targets) = Selector();
            string[] keys = [.. DeletableKeys.Where(_ => _random.Next(3) == 0)];
            Operation = "delete keys " + string.Join(",", keys);
            ShardCommandResult result = _shard.Apply(new DeletePayloadKeys(selector, keys));
            if (targets is null)
            {
                Assert.Equal(ShardResultStatus.NotFound, result.Status);
                return;
            }

            Assert.Equal(ShardCommandResult.Applied(targets.Count), result);
            _model.DeleteKeys(targets, keys, _shard.LastIndex);
        }

        private void PayloadIndex()
        {
            (string field, PayloadSchemaType schema) = RandomPayloads.Indexes[_random.Next(RandomPayloads.Indexes.Length)];
            Operation = $"payload index {field} {schema}";
            ShardCommandResult result = _random.Next(3) == 0
                ? _shard.Apply(new DeletePayloadIndex(field))
                : _shard.Apply(new CreatePayloadIndex(field, schema));
            Assert.True(result.IsApplied);
        }

        private void ExactSearch()
        {
            (float[] query, int limit, Filter? filter, float? threshold) = RandomQuery();
            Operation = $"exact search limit {limit} threshold {threshold} filter {filter}";
            IReadOnlyList<ScoredPoint> actual = _shard.Shard.Search(new ShardSearch { Vector = query, Limit = limit, Filter = filter, Exact = true, ScoreThreshold = threshold, WithPayload = PayloadSelector.All });
            List<(PointId Id, double Score)> expected = _model.Search(query, limit, filter, threshold);
            Assert.Equal(expected.Count, actual.Count);
            var seen = new HashSet<PointId>();
            for (int i = 0; i < actual.Count; i++)
            {
                ScoredPoint hit = actual[i];
                Assert.True(seen.Add(hit.Id), $"{hit.Id} returned twice");
                Assert.True(_model.Points.ContainsKey(hit.Id), $"{hit.Id} is not stored");
                double modelScore = _model.Score(query, hit.Id);
                Assert.True(Math.Abs(modelScore - hit.Score) < 1e-4, $"{hit.Id} scored {hit.Score}, model {modelScore}");
                // Equal up to ties: the point at rank i scores what the model's rank i scores.
                Assert.True(Math.Abs(modelScore - expected[i].Score) < 1e-4, $"rank {i}: {hit.Id} ({modelScore}) where the model has {expected[i].Id} ({expected[i].Score})");
                AssertPoint(hit.Id, hit.Payload, null, hit.Version);
            }
        }

        private void GraphSearch()
        {
            (float[] query, int limit, Filter? filter, float? threshold) = RandomQuery();
            Operation = $"graph search limit {limit} filter {filter}";
            IReadOnlyList<ScoredPoint> actual = _shard.Shard.Search(new ShardSearch { Vector = query, Limit = limit, Filter = filter, ScoreThreshold = threshold, Ef = 64 });
            List<(PointId Id, double Score)> expected = _model.Search(query, limit, filter, threshold);
            var admitted = _model.Matching(filter).ToHashSet();
            Assert.True(actual.Count <= expected.Count);
            Assert.Equal(actual.Count, actual.Select(h => h.Id).Distinct().Count());
            for (int i = 0; i < actual.Count; i++)
            {
                Assert.True(admitted.Contains(actual[i].Id), $"{actual[i].Id} is deleted or not admitted by the filter");
                Assert.True(Math.Abs(_model.Score(query, actual[i].Id) - actual[i].Score) < 1e-4);
                if (i > 0)
                {
                    bool ordered = _options.Metric == ShardDistance.Euclid ? actual[i - 1].Score <= actual[i].Score : actual[i - 1].Score >= actual[i].Score;
                    Assert.True(ordered, "results are not best first");
                }
            }

            // On shards this small the graph finds the exact answer whenever it has one; the tail is exact anyway.
            Assert.Equal(expected.Count, actual.Count);
        }

        private void Count()
        {
            Filter? filter = _random.Next(5) == 0 ? null : RandomFilter();
            Operation = "count " + filter;
            Assert.Equal(_model.Matching(filter).Count, _shard.Shard.Count(filter));
        }

        private void Scroll()
        {
            Filter? filter = _random.Next(3) == 0 ? RandomFilter() : null;
            int page = _random.Next(1, 25);
            Operation = $"scroll by {page} filter {filter}";
            var ids = new List<PointId>();
            PointId? offset = null;
            do
            {
                ScrollPage result = _shard.Shard.Scroll(offset, page, filter, PayloadSelector.All, true);
                Assert.True(result.Points.Count <= page);
                foreach (PointRecord point in result.Points)
                {
                    ids.Add(point.Id);
                    AssertPoint(point.Id, point.Payload, point.Vector, null);
                }

                Assert.True(result.NextOffset is null || result.Points.Count == page);
                offset = result.NextOffset;
            }
            while (offset is not null);

            Assert.Equal(_model.Matching(filter), ids);
        }

        private void Get()
        {
            List<PointId> ids = Pick(_random.Next(1, 6));
            Operation = "get " + string.Join(",", ids);
            IReadOnlyList<PointRecord> records = _shard.Shard.Get(ids, PayloadSelector.All, true);
            Assert.Equal(ids.Distinct().Where(_model.Points.ContainsKey).ToList(), records.Select(r => r.Id).ToList());
            foreach (PointRecord record in records)
            {
                AssertPoint(record.Id, record.Payload, record.Vector, null);
            }

            PointId one = ids[0];
            Assert.Equal(_model.Points.ContainsKey(one), _shard.Shard.Get(one, PayloadSelector.None, false) is not null);
        }

        /// <summary>New index settings: a rebuild beside the serving graph (or an at-once swap for a small one); the model does not change.</summary>
        private void Reconfigure()
        {
            var command = new ReconfigureIndex(new[] { 4, 6 }[_random.Next(2)], new[] { 16, 32 }[_random.Next(2)], (ShardQuantization)_random.Next(2), true);
            Operation = $"reconfigure m {command.M} ef_construct {command.EfConstruct} {command.Quantization}";
            ShardCommandResult result = _shard.Apply(command);
            Assert.True(result.IsApplied, result.Message);
            Assert.True(result.Count == 0 || result.Count == _model.Points.Count);
        }

        private void Index()
        {
            int count = _random.Next(3) == 0 ? int.MaxValue : _random.Next(1, 30);
            Operation = "index " + count;
            _shard.Shard.IndexPending(count);
            ShardStats stats = _shard.Shard.GetStats();
            Assert.Equal(_model.Points.Count, stats.Points);
            Assert.Equal(stats.Points, stats.IndexedPoints + stats.TailLength);
        }

        private async Task SnapshotAndRestoreAsync()
        {
            Operation = "snapshot and restore";
            byte[] snapshot = await ShardSnapshotTests.Save(_shard.Shard);
            var restored = new ShardHarness(_options);
            await restored.Shard.RestoreSnapshotAsync(new MemoryStream(snapshot), CancellationToken.None);
            restored.ContinueAfter(_shard.LastIndex);
            Assert.Equal(_shard.Shard.GetStats() with { PayloadIndexes = [] }, restored.Shard.GetStats() with { PayloadIndexes = [] });
            Assert.Equal(_shard.Shard.GetStats().PayloadIndexes, restored.Shard.GetStats().PayloadIndexes);
            _shard.Dispose();
            _shard = restored;
        }

        private void AssertPoint(PointId id, System.Text.Json.JsonElement? payload, float[]? vector, ulong? version)
        {
            (float[] expectedVector, JsonObject expectedPayload, ulong expectedVersion) = _model.Points[id];
            Assert.True(JsonNode.DeepEquals(expectedPayload, JsonNode.Parse(payload!.Value.GetRawText())), $"{id}: payload {payload.Value.GetRawText()}, model {expectedPayload.ToJsonString()}");
            if (vector is not null)
            {
                for (int i = 0; i < Dimension; i++)
                {
                    Assert.True(Math.Abs(expectedVector[i] - vector[i]) < 1e-5, $"{id}: vector [{string.Join(",", vector)}], model [{string.Join(",", expectedVector)}]");
                }
            }

            if (version is { } v)
            {
                Assert.Equal(expectedVersion, v);
            }
        }

        private (float[] Query, int Limit, Filter? Filter, float? Threshold) RandomQuery()
        {
            float[] query = ShardStateMachineTests.RandomVector(_random, Dimension);
            Filter? filter = _random.Next(3) == 0 ? null : RandomFilter();
            float? threshold = _random.Next(5) == 0 ? (float)((_random.NextDouble() * 2) - 0.5) : null;
            return (query, _random.Next(1, 11), filter, threshold);
        }

        private Filter RandomFilter() => Filter.Parse(_payloads.Filter());

        /// <summary>An id selector (null targets when it names a missing point: NotFound) or a filter selector.</summary>
        private (PointSelector Selector, List<PointId>? Targets) Selector()
        {
            if (_random.Next(2) == 0)
            {
                Filter filter = RandomFilter();
                return (PointSelector.ForFilter(filter), _model.Matching(filter));
            }

            List<PointId> ids = _random.Next(4) == 0 ? Pick(_random.Next(1, 4)) : [.. _model.Points.Keys.OrderBy(_ => _random.Next()).Take(_random.Next(0, 4))];
            return (PointSelector.ForIds(ids), ids.All(_model.Points.ContainsKey) ? ids.Distinct().ToList() : null);
        }

        private List<PointId> Pick(int count) => [.. Enumerable.Range(0, count).Select(_ => _ids[_random.Next(_ids.Length)])];
    }
}
