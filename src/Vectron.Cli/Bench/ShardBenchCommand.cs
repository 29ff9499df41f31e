using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Vectron.Cli.Datasets;
using Vectron.Index;
using Vectron.Raft.Hosting;
using Vectron.Server.Model;
using Vectron.Server.Worker;

namespace Vectron.Cli.Bench;

/// <summary>
/// <c>vectron bench shard</c>: one shard state machine in process — apply throughput, indexer
/// throughput, search QPS and recall@10 (optionally beside a bare <see cref="HnswIndex"/> of the same
/// vectors), filtered search without and with a payload index, snapshot save and restore.
/// </summary>
internal sealed class ShardBenchCommand(ShardBenchOptions options, TextWriter output, TextWriter diagnostics)
{
    private const int K = 10;

    public int Run()
    {
        Dataset data = options.Data.Load(minimumNeighbours: K, threads: Environment.ProcessorCount, diagnostics);
        ShardDistance metric = data.Metric switch
        {
            DistanceMetric.L2 => ShardDistance.Euclid,
            DistanceMetric.Dot => ShardDistance.Dot,
            _ => ShardDistance.Cosine,
        };
        var shardOptions = new ShardOptions
        {
            Dimension = data.Dimension,
            Metric = metric,
            M = options.M,
            EfConstruct = options.EfConstruct,
            BackgroundIndexing = false,
            IndexerThreads = options.IndexerThreads,
        };
        int n = data.Base.Rows;
        List<byte[]> commands = EncodeBatches(data);
        var json = new Dictionary<string, object>();
        var searches = new List<(int Ef, double Qps, double Recall, double? RawQps, double? RawRecall)>();

        using var shard = new ShardStateMachine(shardOptions);
        diagnostics.WriteLine($"applying {n} points in batches of {options.Batch} ...");
        var results = new ReadOnlyMemory<byte>[1];
        ulong index = 0;
        var clock = Stopwatch.StartNew();
        foreach (byte[] command in commands)
        {
            shard.Apply([new StateMachineCommand(++index, command)], results);
        }

        json["apply_points_per_sec"] = n / clock.Elapsed.TotalSeconds;
        int tailQueries = Math.Min(20, data.Queries.Rows);
        json["tail_scan_qps"] = Qps(shard, data, tailQueries, ef: null, filter: null);

        diagnostics.WriteLine($"indexing with {options.IndexerThreads} thread(s) ...");
        clock.Restart();
        shard.IndexPending();
        json["index_points_per_sec"] = n / clock.Elapsed.TotalSeconds;

        HnswIndex? raw = options.Raw ? BuildRaw(data, shardOptions, json) : null;
        try
        {
            foreach (int ef in options.Ef)
            {
                // A warm-up pass each (tiered JIT), then timed passes alternating shard and bare index
                // (so both see the same machine load); the medians are reported.
                Func<float[], IEnumerable<long>> searchShard = query => shard.Search(new ShardSearch { Vector = query, Limit = K, Ef = ef }).Select(h => (long)h.Id.Number);
                Func<float[], IEnumerable<long>>? searchRaw = raw is null ? null : query => raw.Search(query, K, new SearchParameters { Ef = ef }).Select(h => (long)h.Key);
                WarmUp(searchShard, searchRaw, data);

                var shardPasses = new List<(double Qps, double Recall)>();
                var rawPasses = new List<(double Qps, double Recall)>();
                for (int rep = 0; rep < options.Repetitions; rep++)
                {
                    shardPasses.Add(Measure(searchShard, data));
                    if (searchRaw is not null)
                    {
                        rawPasses.Add(Measure(searchRaw, data));
                    }
                }

                (double qps, double recall) = Median(shardPasses);
                (double qps, double recall)? bare = searchRaw is null ? null : Median(rawPasses);
                searches.Add((ef, qps, recall, bare?.qps, bare?.recall));
            }
        }
        finally
        {
            raw?.Dispose();
        }

        string group = "g" + (options.Groups / 2).ToString(CultureInfo.InvariantCulture);
        Filter filter = Filter.Parse($$$"""{"must": [{"key": "group", "match": {"value": "{{{group}}}"}}]}""");
        int filtered = Math.Min(200, data.Queries.Rows);
        json["filtered_admitted"] = shard.Count(filter);
        json["filtered_qps_no_index"] = Qps(shard, data, filtered, ef: null, filter);
        shard.Apply([new StateMachineCommand(++index, ShardCommandCodec.Encode(new CreatePayloadIndex("group", PayloadSchemaType.Keyword)))], results);
        json["filtered_qps_keyword_index"] = Qps(shard, data, filtered, ef: null, filter);

        MeasureSnapshot(shard, shardOptions, json);
        MeasureRebuild(shard, data, ref index, json);
        new JsonLineWriter(output).WriteLine(writer =>
        {
            JsonLineWriter.WriteDataset(writer, data);
            writer.WriteNumber("indexer_threads", options.IndexerThreads);
            writer.WriteNumber("batch", options.Batch);
            foreach ((string name, object value) in json)
            {
                writer.WriteNumber(name, Convert.ToDouble(value, CultureInfo.InvariantCulture));
            }

            writer.WriteStartArray("search");
            foreach ((int ef, double qps, double recall, double? rawQps, double? rawRecall) in searches)
            {
                writer.WriteStartObject();
                writer.WriteNumber("ef", ef);
                writer.WriteNumber("qps", Math.Round(qps, 1));
                writer.WriteNumber("recall_at_10", Math.Round(recall, 4));
                if (rawQps is { } bareQps)
                {
                    writer.WriteNumber("raw_index_qps", Math.Round(bareQps, 1));
                    writer.WriteNumber("raw_index_recall_at_10", Math.Round(rawRecall!.Value, 4));
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        });
        return 0;
    }

    private List<byte[]> EncodeBatches(Dataset data)
    {
        var commands = new List<byte[]>();
        for (int start = 0; start < data.Base.Rows; start += options.Batch)
        {
            var points = new List<PointWrite>();
            for (int row = start; row < Math.Min(data.Base.Rows, start + options.Batch); row++)
            {
                using var payload = JsonDocument.Parse($$"""{"group": "g{{row % options.Groups}}", "row": {{row}}}""");
                points.Add(new PointWrite(PointId.FromNumber((ulong)row), data.Base.Row(row).ToArray(), payload.RootElement.Clone()));
            }

            commands.Add(ShardCommandCodec.Encode(new UpsertPoints(points)));
        }

        return commands;
    }

    private HnswIndex BuildRaw(Dataset data, ShardOptions shardOptions, Dictionary<string, object> json)
    {
        diagnostics.WriteLine($"building a bare HnswIndex with {options.IndexerThreads} thread(s) for comparison ...");
        // The dataset's own metric: a Cosine shard hands its graph unit vectors under Dot, a bare index normalises itself.
        var raw = new HnswIndex(shardOptions.ToHnswOptions() with { Metric = data.Metric });
        var clock = Stopwatch.StartNew();
        Parallel.For(0, data.Base.Rows, new ParallelOptions { MaxDegreeOfParallelism = options.IndexerThreads }, row => raw.Upsert((ulong)row, data.Base.Row(row)));
        json["raw_index_points_per_sec"] = data.Base.Rows / clock.Elapsed.TotalSeconds;
        return raw;
    }

    private void MeasureSnapshot(ShardStateMachine shard, ShardOptions shardOptions, Dictionary<string, object> json)
    {
        string directory = options.Directory ?? Path.Combine(Path.GetTempPath(), "vectron-bench-shard-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, "shard.snapshot");
        try
        {
            diagnostics.WriteLine($"snapshot to {path} ...");
            var clock = Stopwatch.StartNew();
            using (var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
            {
                shard.SaveSnapshotAsync(file, CancellationToken.None).GetAwaiter().GetResult();
                file.Flush(flushToDisk: true);
            }

            json["snapshot_save_sec"] = clock.Elapsed.TotalSeconds;
            json["snapshot_bytes"] = new FileInfo(path).Length;
            using var restored = new ShardStateMachine(shardOptions);
            clock.Restart();
            using (var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20))
            {
                restored.RestoreSnapshotAsync(file, CancellationToken.None).GetAwaiter().GetResult();
            }

            json["snapshot_restore_sec"] = clock.Elapsed.TotalSeconds;
            if (restored.GetStats().IndexedPoints != shard.GetStats().IndexedPoints)
            {
                throw new InvalidOperationException("The restored shard differs from the saved one.");
            }
        }
        finally
        {
            File.Delete(path);
            if (options.Directory is null)
            {
                System.IO.Directory.Delete(directory, recursive: true);
            }
        }
    }

    /// <summary>
    /// Reconfigures the index (m halved, int8) and searches while the new graph is held unbuilt (the
    /// old graph serves), then builds it and searches again. The exact scan of every point — what a
    /// search cost during a rebuild when the new graph started empty — is measured beside it.
    /// </summary>
    private void MeasureRebuild(ShardStateMachine shard, Dataset data, ref ulong index, Dictionary<string, object> json)
    {
        int ef = options.Ef[0];
        Func<float[], IEnumerable<long>> search = query => shard.Search(new ShardSearch { Vector = query, Limit = K, Ef = ef }).Select(h => (long)h.Id.Number);
        var results = new ReadOnlyMemory<byte>[1];
        var command = new ReconfigureIndex(Math.Max(2, options.M / 2), options.EfConstruct, ShardQuantization.Int8, true);
        var clock = Stopwatch.StartNew();
        shard.Apply([new StateMachineCommand(++index, ShardCommandCodec.Encode(command))], results);
        json["rebuild_apply_ms"] = clock.Elapsed.TotalMilliseconds;
        (double qps, double recall) = Measure(search, data);
        json["rebuild_during_qps"] = qps;
        json["rebuild_during_recall_at_10"] = recall;
        var exact = new ShardSearch { Vector = [], Limit = K, Exact = true };
        int exactQueries = Math.Min(50, data.Queries.Rows);
        clock.Restart();
        for (int i = 0; i < exactQueries; i++)
        {
            shard.Search(exact with { Vector = data.Queries.Row(i).ToArray() });
        }

        json["exact_scan_qps"] = exactQueries / clock.Elapsed.TotalSeconds;
        diagnostics.WriteLine($"rebuilding the graph with m {command.M}, int8 ...");
        clock.Restart();
        shard.IndexPending();
        json["rebuild_sec"] = clock.Elapsed.TotalSeconds;
        if (shard.GetStats().Rebuilding)
        {
            throw new InvalidOperationException("The rebuild did not finish.");
        }

        (qps, recall) = Measure(search, data);
        json["rebuild_after_qps"] = qps;
        json["rebuild_after_recall_at_10"] = recall;
    }

    private static double Qps(ShardStateMachine shard, Dataset data, int queries, int? ef, Filter? filter)
    {
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < queries; i++)
        {
            shard.Search(new ShardSearch { Vector = data.Queries.Row(i).ToArray(), Limit = K, Ef = ef, Filter = filter });
        }

        return queries / clock.Elapsed.TotalSeconds;
    }

    /// <summary>
    /// Untimed passes for at least a second and until the JIT has compiled nothing for 0.3 s (at most
    /// 5 s): the runtime compiles in tiers, in the background, after a pause, and the timed passes
    /// mean to measure the optimised tier a running server has.
    /// </summary>
    private static void WarmUp(Func<float[], IEnumerable<long>> shard, Func<float[], IEnumerable<long>>? raw, Dataset data)
    {
        var clock = Stopwatch.StartNew();
        long compiled = System.Runtime.JitInfo.GetCompiledMethodCount();
        TimeSpan quietSince = TimeSpan.Zero;
        while (clock.Elapsed < TimeSpan.FromSeconds(5))
        {
            Measure(shard, data);
            if (raw is not null)
            {
                Measure(raw, data);
            }

            long now = System.Runtime.JitInfo.GetCompiledMethodCount();
            if (now != compiled)
            {
                compiled = now;
                quietSince = clock.Elapsed;
            }
            else if (clock.Elapsed > TimeSpan.FromSeconds(1) && clock.Elapsed - quietSince > TimeSpan.FromSeconds(0.3))
            {
                return;
            }
        }
    }

    private static (double Qps, double Recall) Median(List<(double Qps, double Recall)> passes)
    {
        var ordered = passes.OrderBy(p => p.Qps).ToList();
        return ordered[ordered.Count / 2];
    }

    private static (double Qps, double Recall) Measure(Func<float[], IEnumerable<long>> search, Dataset data)
    {
        var queries = new float[data.Queries.Rows][];
        for (int i = 0; i < queries.Length; i++)
        {
            queries[i] = data.Queries.Row(i).ToArray();
        }

        var found = new List<long>[queries.Length];
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < queries.Length; i++)
        {
            found[i] = search(queries[i]).ToList();
        }

        double seconds = clock.Elapsed.TotalSeconds;
        double hits = 0;
        for (int i = 0; i < queries.Length; i++)
        {
            var truth = new HashSet<long>();
            for (int j = 0; j < K; j++)
            {
                truth.Add(data.GroundTruth.Row(i)[j]);
            }

            hits += found[i].Count(truth.Contains);
        }

        return (queries.Length / seconds, hits / (queries.Length * (double)K));
    }
}
