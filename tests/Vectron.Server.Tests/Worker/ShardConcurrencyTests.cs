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
        var readers = Enumerable.Range(0, 2).Select(r => Task.Run(() =>
        {
            var random = new Random((seed * 10) + r);
            while (!stop.IsCancellationRequested)
            {
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
        })).ToList();

        var writer = new Random(seed);
        var results = new ReadOnlyMemory<byte>[1];
        ulong index = 0;
        for (int step = 0; step < 1500; step++)
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
        ShardStats stats = shard.GetStats();
        Assert.Equal(stats.Points, stats.IndexedPoints + stats.TailLength);
    }
}
