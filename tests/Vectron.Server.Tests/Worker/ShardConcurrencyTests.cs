using Vectron.Raft.Hosting;
using Vectron.Server.Model;
using Vectron.Server.Worker;

namespace Vectron.Server.Tests.Worker;

public sealed class ShardConcurrencyTests
{
    /// <summary>
    /// Applies (index reconfigurations among them), the background indexer, snapshots and searches all at once. Every search must return
    /// only points that exist (ids 0..199, stored with a vector whose first component is the id) with
    /// the score of their stored vector: a point never shows with another point's vector, a deleted
    /// slot is never returned, nothing throws.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task SearchesDuringAppliesIndexingAndSnapshots_SeeOnlyConsistentPoints(int seed)
    {
        using var shard = new ShardStateMachine(new ShardOptions { Dimension = 3, Metric = ShardDistance.Euclid, ExactSearchThreshold = 0, IndexerBatchSize = 16, M = 8, EfConstruct = 32 });
        using var stop = new CancellationTokenSource();
        var failures = new List<string>();
        long searches = 0;
        // Dedicated threads: on a small machine pool-thread readers often did not start before the
        // writer was done, and the test then checked nothing.
        var readers = Enumerable.Range(0, 2).Select(r => Task.Factory.StartNew(() =>
        {
            var random = new Random((seed * 10) + r);
            while (!stop.IsCancellationRequested)
            {
                Interlocked.Increment(ref searches);
                float[] query = [random.Next(0, 200), 0, 0];
                var filter = random.Next(2) == 0 ? Filter.Parse("""{"must": [{"key": "even", "match": {"value": true}}]}""") : null;
                foreach (ScoredPoint hit in shard.Search(new ShardSearch { Vector = query, Limit = 5, Filter = filter, WithVector = true, WithPayload = PayloadSelector.All }))
                {
                    float[] vector = hit.Vector!;
                    bool consistent = hit.Id.Number == (ulong)vector[0]
                        && Math.Abs(hit.Score - MathF.Sqrt(((query[0] - vector[0]) * (query[0] - vector[0])) + (vector[1] * vector[1]))) < 1e-3
                        && (filter is null || hit.Payload!.Value.GetProperty("even").GetBoolean());
                    if (!consistent)
                    {
                        lock (failures)
                        {
                            failures.Add($"{hit.Id} score {hit.Score} vector [{string.Join(",", vector)}] payload {hit.Payload?.GetRawText()}");
                        }
                    }
                }
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToList();

        var writer = new Random(seed);
        var results = new ReadOnlyMemory<byte>[1];
        ulong index = 0;
        for (int step = 0; step < 200_000 && (step < 1500 || Interlocked.Read(ref searches) < 3000); step++)
        {
            ShardCommand command;
            if (step % 500 == 250)
            {
                // A new graph while the indexer fills the old one and searches run in it.
                command = step % 1000 == 250 ? new ReconfigureIndex(12, 40, ShardQuantization.Int8, true) : new ReconfigureIndex(8, 32, ShardQuantization.None, true);
            }
            else if (writer.Next(4) == 0)
            {
                command = new DeletePoints([PointId.FromNumber((ulong)writer.Next(0, 200))]);
            }
            else
            {
                var points = Enumerable.Range(0, 4).Select(_ => (ulong)writer.Next(0, 200)).Distinct()
                    .Select(id => new PointWrite(PointId.FromNumber(id), [id, writer.Next(0, 3), 0], ShardHarness.Json($$"""{"even": {{(id % 2 == 0 ? "true" : "false")}}}""")))
                    .ToList();
                command = new UpsertPoints(points);
            }

            shard.Apply([new StateMachineCommand(++index, ShardCommandCodec.Encode(command))], results);
            Assert.True(ShardCommandCodec.DecodeResult(results[0].Span).IsApplied);
            if (step % 300 == 299)
            {
                await shard.SaveSnapshotAsync(Stream.Null, CancellationToken.None);
            }
        }

        await stop.CancelAsync();
        await Task.WhenAll(readers);
        Assert.True(failures.Count == 0, $"seed {seed}: " + string.Join("; ", failures.Take(5)));
        Assert.True(searches >= 3000, $"seed {seed}: only {searches} searches ran");
        ShardStats stats = shard.GetStats();
        Assert.Equal(stats.Points, stats.IndexedPoints + stats.TailLength);

        // The last reconfigure's graph (m 12, int8) serves once the indexer has caught up, holding every point
        // (ef above the point count: the graph answers exactly from its own vectors).
        shard.IndexPending();
        stats = shard.GetStats();
        Assert.Equal((false, 0L, stats.Points), (stats.Rebuilding, stats.TailLength, (long)shard.GraphPointCount));
        Assert.Equal((12, Vectron.Index.QuantizationKind.Int8), (shard.GraphOptions.M, shard.GraphOptions.Quantization));
        for (int id = 0; id < 200; id += 7)
        {
            var search = new ShardSearch { Vector = [id, 0, 0], Limit = 3, WithPayload = PayloadSelector.None, Ef = 256 };
            Assert.Equal(
                shard.Search(search with { Exact = true }).Select(h => h.Score),
                shard.Search(search).Select(h => h.Score));
        }
    }

    /// <summary>
    /// Writes while the background indexer rebuilds a 2,000-point graph with new settings (searches
    /// running beside it): right after each apply the writer's own search (graph, not exact) finds an
    /// upserted point with its new vector and never a deleted one. (Recall of the old graph during a
    /// rebuild is checked in ShardReconfigureTests, with the indexer held.)
    /// </summary>
    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public async Task WritesDuringABackgroundRebuild_AreSeenByTheNextSearch(int seed)
    {
        const int points = 2_000;
        using var shard = new ShardStateMachine(new ShardOptions { Dimension = 3, Metric = ShardDistance.Euclid, ExactSearchThreshold = 0, IndexerBatchSize = 32, M = 8, EfConstruct = 32 });
        var results = new ReadOnlyMemory<byte>[1];
        ulong index = 0;
        void Apply(ShardCommand command)
        {
            shard.Apply([new StateMachineCommand(++index, ShardCommandCodec.Encode(command))], results);
            Assert.True(ShardCommandCodec.DecodeResult(results[0].Span).IsApplied);
        }

        for (int start = 0; start < points; start += 500)
        {
            Apply(new UpsertPoints(Enumerable.Range(start, 500).Select(id => new PointWrite(PointId.FromNumber((ulong)id), [id, 0, 0], null)).ToList()));
        }

        shard.IndexPending();
        using var stop = new CancellationTokenSource();
        var reader = Task.Run(() =>
        {
            var random = new Random(seed + 100);
            while (!stop.IsCancellationRequested)
            {
                shard.Search(new ShardSearch { Vector = [random.Next(points), 0, 0], Limit = 5, WithPayload = PayloadSelector.None });
            }
        });

        var writer = new Random(seed);
        int rebuildsSeen = 0;
        for (int step = 0; step < 600; step++)
        {
            if (step % 200 == 0)
            {
                Apply(step % 400 == 0 ? new ReconfigureIndex(12, 40, ShardQuantization.Int8, true) : new ReconfigureIndex(6, 24, ShardQuantization.None, true));
            }

            rebuildsSeen += shard.GetStats().Rebuilding ? 1 : 0;
            int id = writer.Next(points);
            // An ef above the point count: the graph answers from its own vectors without traversal (on
            // points along a line with a third of them deleted, traversal alone can miss), so what is
            // checked is the shard's part: tail, admission of indexed slots only, the swap.
            var search = new ShardSearch { Vector = [], Limit = 3, WithPayload = PayloadSelector.None, WithVector = true, Ef = 4_096 };
            if (writer.Next(3) == 0)
            {
                Apply(new DeletePoints([PointId.FromNumber((ulong)id)]));
                var hits = shard.Search(search with { Vector = [id, 0, 0] });
                Assert.True(hits.All(h => h.Id.Number != (ulong)id), $"seed {seed} step {step}: deleted point {id} returned");
            }
            else
            {
                float lift = writer.Next(1, 4);
                Apply(new UpsertPoints([new PointWrite(PointId.FromNumber((ulong)id), [id, lift, 0], null)]));
                var hits = shard.Search(search with { Vector = [id, lift, 0] });
                Assert.True(hits.Count > 0 && hits[0].Id.Number == (ulong)id && hits[0].Score == 0 && hits[0].Vector![1] == lift,
                    $"seed {seed} step {step}: upserted point {id} not found first with its new vector: {string.Join(", ", hits.Select(h => $"{h.Id} {h.Score}"))}");
            }
        }

        await stop.CancelAsync();
        await reader;
        Assert.True(rebuildsSeen > 0, $"seed {seed}: no write happened during a rebuild");
        shard.IndexPending();
        Assert.False(shard.GetStats().Rebuilding);
        Assert.Equal((12, shard.GetStats().Points), (shard.GraphOptions.M, (long)shard.GraphPointCount));
    }
    /// <summary>
    /// Anchor points that always exist are re-upserted (same vector, so they go back to the tail and
    /// are indexed again) while other points come and go and the background indexer runs. A search
    /// for an anchor's exact vector must always find it, whichever side of the tail/graph handoff it
    /// is on; hnsw_ef above the point count makes the graph's part exact too, so any miss is the
    /// handoff's fault, not recall's.
    /// </summary>
    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public async Task SearchesDuringIndexing_NeverMissAPointThatExists(int seed)
    {
        using var shard = new ShardStateMachine(new ShardOptions { Dimension = 3, Metric = ShardDistance.Euclid, ExactSearchThreshold = 0, IndexerBatchSize = 8, IndexerThreads = 2, M = 8, EfConstruct = 32 });
        var results = new ReadOnlyMemory<byte>[1];
        ulong index = 0;
        void Apply(ShardCommand command)
        {
            shard.Apply([new StateMachineCommand(++index, ShardCommandCodec.Encode(command))], results);
            Assert.True(ShardCommandCodec.DecodeResult(results[0].Span).IsApplied);
        }

        static PointWrite Anchor(int k) => new(PointId.FromNumber(1000 + (ulong)k), [1000 + (k * 10), 0, 0], null);
        Apply(new UpsertPoints(Enumerable.Range(0, 10).Select(Anchor).ToList()));

        using var stop = new CancellationTokenSource();
        var failures = new List<string>();
        long searches = 0;
        // Dedicated threads: on a small machine the pool may not start pool-thread readers before the writer is done.
        var readers = Enumerable.Range(0, 2).Select(r => Task.Factory.StartNew(() =>
        {
            var random = new Random((seed * 10) + r);
            while (!stop.IsCancellationRequested)
            {
                int k = random.Next(10);
                IReadOnlyList<ScoredPoint> hits = shard.Search(new ShardSearch { Vector = [1000 + (k * 10), 0, 0], Limit = 1, Ef = 4000 });
                Interlocked.Increment(ref searches);
                if (hits.Count != 1 || hits[0].Id != PointId.FromNumber(1000 + (ulong)k) || hits[0].Score != 0)
                {
                    lock (failures)
                    {
                        failures.Add($"anchor {1000 + k}: got [{string.Join(", ", hits.Select(h => $"{h.Id} at {h.Score}"))}]");
                    }
                }
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToList();

        var writer = new Random(seed);
        // At least 1500 writes and 3000 searches (bounded, so a stalled reader fails instead of hanging).
        for (int step = 0; step < 200_000 && (step < 1500 || Interlocked.Read(ref searches) < 3000); step++)
        {
            switch (writer.Next(3))
            {
                case 0:
                    Apply(new UpsertPoints([Anchor(writer.Next(10))]));
                    break;
                case 1:
                    Apply(new DeletePoints([PointId.FromNumber((ulong)writer.Next(0, 300))]));
                    break;
                default:
                    var ids = Enumerable.Range(0, 6).Select(_ => (ulong)writer.Next(0, 300)).Distinct();
                    Apply(new UpsertPoints(ids.Select(id => new PointWrite(PointId.FromNumber(id), [id, writer.Next(1, 3), 0], null)).ToList()));
                    break;
            }
        }

        await stop.CancelAsync();
        await Task.WhenAll(readers);
        Assert.True(failures.Count == 0, $"seed {seed}: {failures.Count} misses in {searches} searches: " + string.Join("; ", failures.Take(5)));
        Assert.True(searches >= 3000, $"seed {seed}: only {searches} searches ran");
    }
}
