using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Vectron.Cli.Datasets;
using Vectron.Index;
using Vectron.Server.Gateway;
using Vectron.Server.Node;
using Vectron.Server.Placement;
using Vectron.Server.Worker;

namespace Vectron.Cli.Bench;

/// <summary>
/// <c>vectron bench rest</c>: the single-node server in process (node + REST gateway on a loopback
/// port, real HTTP): import through REST (points/s with <c>wait=true</c> for the first half, without
/// for the second), then search QPS, p50/p99 latency and recall@10 per ef with N concurrent HTTP
/// clients, beside the same shards searched in process (no HTTP) on the baseline threads.
/// </summary>
internal sealed class RestBenchCommand(RestBenchOptions options, TextWriter output, TextWriter diagnostics)
{
    private const int K = 10;
    private const string Collection = "bench";

    public int Run() => RunAsync().GetAwaiter().GetResult();

    private async Task<int> RunAsync()
    {
        Dataset data = options.Data.Load(minimumNeighbours: K, threads: Environment.ProcessorCount, diagnostics);
        string directory = options.Directory ?? Path.Join(Path.GetTempPath(), "vectron-bench-rest-" + Guid.NewGuid().ToString("N"));
        try
        {
            var node = await VectronNode.StartAsync(new NodeOptions { DataDirectory = directory, DefaultShardNumber = options.Shards },
                ShardFactory.Create(null)).ConfigureAwait(false);
            await using (node.ConfigureAwait(false))
            {
                var gateway = await GatewayServer.StartAsync(node, new GatewayOptions { Port = 0, MaxBodyBytes = 256L << 20 }, NullLoggerFactory.Instance)
                    .ConfigureAwait(false);
                await using (gateway.ConfigureAwait(false))
                {
                    using var client = new HttpClient { BaseAddress = gateway.BaseAddress, Timeout = TimeSpan.FromMinutes(10) };
                    await MeasureAsync(node, client, data).ConfigureAwait(false);
                    await gateway.StopAsync().ConfigureAwait(false);
                }
            }
        }
        finally
        {
            if (options.Directory is null)
            {
                System.IO.Directory.Delete(directory, recursive: true);
            }
        }
        return 0;
    }

    private async Task MeasureAsync(VectronNode node, HttpClient client, Dataset data)
    {
        string distance = data.Metric switch { DistanceMetric.L2 => "Euclid", DistanceMetric.Dot => "Dot", _ => "Cosine" };
        await SendAsync(client, HttpMethod.Put, $"collections/{Collection}",
            $"{{\"vectors\": {{\"size\": {data.Dimension}, \"distance\": \"{distance}\"}}, \"shard_number\": {options.Shards}}}").ConfigureAwait(false);

        int n = data.Base.Rows, half = n / 2;
        diagnostics.WriteLine($"importing {n} points through REST in batches of {options.Batch} ...");
        var clock = Stopwatch.StartNew();
        for (int start = 0; start < half; start += options.Batch)
        {
            await SendAsync(client, HttpMethod.Put, $"collections/{Collection}/points?wait=true", Batch(data, start, Math.Min(half, start + options.Batch))).ConfigureAwait(false);
        }
        double waitRate = half / clock.Elapsed.TotalSeconds;
        clock.Restart();
        for (int start = half; start < n; start += options.Batch)
        {
            await SendAsync(client, HttpMethod.Put, $"collections/{Collection}/points", Batch(data, start, Math.Min(n, start + options.Batch))).ConfigureAwait(false);
        }
        double acknowledgedRate = (n - half) / clock.Elapsed.TotalSeconds;
        long count = 0;
        while (count < n)
        {
            using var answer = await SendAsync(client, HttpMethod.Post, $"collections/{Collection}/points/count", "{}").ConfigureAwait(false);
            count = answer.RootElement.GetProperty("result").GetProperty("count").GetInt64();
        }
        double appliedRate = (n - half) / clock.Elapsed.TotalSeconds;

        diagnostics.WriteLine("waiting for the indexers ...");
        clock.Restart();
        while (true)
        {
            using var info = await SendAsync(client, HttpMethod.Get, $"collections/{Collection}", null).ConfigureAwait(false);
            if (info.RootElement.GetProperty("result").GetProperty("indexed_vectors_count").GetInt64() >= n)
            {
                break;
            }
            await Task.Delay(200).ConfigureAwait(false);
        }
        double indexSeconds = clock.Elapsed.TotalSeconds;

        var collection = node.Placement.Current.Collections[Collection];
        var rows = new List<(int Ef, double Qps, double P50, double P99, double Recall, double SameShards)>();
        foreach (int ef in options.Ef)
        {
            var (qps, p50, p99, recall) = await RestSearchAsync(client, data, ef).ConfigureAwait(false);
            InProcessQps(node, collection, data, ef, Math.Min(1, options.Seconds)); // warm-up (JIT tiers)
            rows.Add((ef, qps, p50, p99, recall, InProcessQps(node, collection, data, ef, options.Seconds)));
        }

        // The stricter baseline: one index over all points (the shards' m and ef_construct), no shards, no HTTP.
        diagnostics.WriteLine($"building the bare index (one graph over all {n} points, {options.BaselineThreads} threads) ...");
        var shard = (ShardStateMachine)node.Shard(collection.ShardGroups[0])!.Machine!;
        var bareOptions = shard.Options.ToHnswOptions() with { Seed = 1 };
        using var bare = IndexBuilder.Build(data.Base, bareOptions, options.BaselineThreads, out double bareBuildSeconds);
        using var bareRunner = new QueryRunner(bare, data.Queries, K);

        var table = new ResultTable(output, "ef", "REST QPS", "p50 ms", "p99 ms", "p99/p50", "recall@10", "same shards QPS", "REST / same",
            "bare QPS", "bare recall", "REST / bare");
        table.WriteHeader(data,
            ("server", string.Create(CultureInfo.InvariantCulture, $"vectron serve in process, {options.Shards} shards, {options.Clients} HTTP clients; in-process baselines on {options.BaselineThreads} threads: the same shards (no HTTP, no JSON) and a bare index over all points (built in {bareBuildSeconds:0.0} s)")),
            ("import", string.Create(CultureInfo.InvariantCulture, $"wait=true {waitRate:0} points/s; without wait {acknowledgedRate:0} points/s acknowledged, {appliedRate:0} points/s applied; indexed {indexSeconds:0.0} s later")));
        foreach (var row in rows)
        {
            var (bareQps, bareRecall) = MeasureBare(bareRunner, data, row.Ef);
            table.WriteRow(row.Ef.ToString(CultureInfo.InvariantCulture), row.Qps.ToString("0", CultureInfo.InvariantCulture),
                row.P50.ToString("0.00", CultureInfo.InvariantCulture), row.P99.ToString("0.00", CultureInfo.InvariantCulture),
                (row.P99 / row.P50).ToString("0.0", CultureInfo.InvariantCulture),
                row.Recall.ToString("0.000", CultureInfo.InvariantCulture), row.SameShards.ToString("0", CultureInfo.InvariantCulture),
                (row.Qps / row.SameShards).ToString("0.00", CultureInfo.InvariantCulture),
                bareQps.ToString("0", CultureInfo.InvariantCulture), bareRecall.ToString("0.000", CultureInfo.InvariantCulture),
                (row.Qps / bareQps).ToString("0.00", CultureInfo.InvariantCulture));
        }
    }

    /// <summary>
    /// Recall of the bare index (one pass over the queries, as <c>bench ann</c> computes it) and its queries/s on the
    /// baseline threads, one query at a time per thread, after a warm-up pass.
    /// </summary>
    private (double Qps, double Recall) MeasureBare(QueryRunner runner, Dataset data, int ef)
    {
        var parameters = new SearchParameters { Ef = ef };
        var ids = new DenseMatrix<int>(runner.QueryCount, K);
        runner.RunSequential(runner.QueryCount, parameters, ids, latencies: null);
        runner.RunParallel(runner.QueryCount, options.BaselineThreads, parameters); // warm-up
        long queries = 0;
        var clock = Stopwatch.StartNew();
        do
        {
            runner.RunParallel(runner.QueryCount, options.BaselineThreads, parameters);
            queries += runner.QueryCount;
        }
        while (clock.Elapsed.TotalSeconds < options.Seconds);
        return (queries / clock.Elapsed.TotalSeconds, Recall.AtK(ids, data.GroundTruth, K));
    }

    private async Task<(double Qps, double P50, double P99, double Recall)> RestSearchAsync(HttpClient client, Dataset data, int ef)
    {
        var bodies = new byte[data.Queries.Rows][];
        for (int q = 0; q < bodies.Length; q++)
        {
            bodies[q] = Encoding.UTF8.GetBytes($"{{\"vector\": {Vector(data.Queries.Row(q))}, \"limit\": {K}, \"params\": {{\"hnsw_ef\": {ef}}}}}");
        }
        // Recall from one pass over every query.
        double hits = 0;
        for (int q = 0; q < bodies.Length; q++)
        {
            using var answer = await PostAsync(client, bodies[q]).ConfigureAwait(false);
            var truth = new HashSet<int>(data.GroundTruth.Row(q)[..K].ToArray());
            foreach (var hit in answer.RootElement.GetProperty("result").EnumerateArray())
            {
                hits += truth.Contains((int)hit.GetProperty("id").GetInt64()) ? 1 : 0;
            }
        }
        double recall = hits / (K * (double)bodies.Length);

        var latencies = new List<double>[options.Clients];
        long next = 0;
        var deadline = Stopwatch.GetTimestamp() + (long)(options.Seconds * Stopwatch.Frequency);
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, options.Clients).Select(worker => Task.Run(async () =>
        {
            var mine = latencies[worker] = [];
            while (Stopwatch.GetTimestamp() < deadline)
            {
                long q = Interlocked.Increment(ref next) % bodies.Length;
                long started = Stopwatch.GetTimestamp();
                using var answer = await PostAsync(client, bodies[q]).ConfigureAwait(false);
                mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        })).ToArray();
        await Task.WhenAll(workers).ConfigureAwait(false);
        double seconds = clock.Elapsed.TotalSeconds;
        double[] all = [.. latencies.SelectMany(list => list)];
        Array.Sort(all);
        return (all.Length / seconds, LatencyStatistics.Percentile(all, 50), LatencyStatistics.Percentile(all, 99), recall);
    }

    /// <summary>The same shards searched in process (merge as the gateway does), no HTTP, no JSON.</summary>
    private double InProcessQps(VectronNode node, CollectionRecord collection, Dataset data, int ef, double seconds)
    {
        var shards = collection.ShardGroups.Select(group => (ShardStateMachine)node.Shard(group)!.Machine!).ToArray();
        using var workers = new WorkerGroup(options.BaselineThreads);
        long queries = 0;
        var clock = Stopwatch.StartNew();
        do
        {
            workers.Run(data.Queries.Rows, (q, _) =>
            {
                var request = new ShardSearch { Vector = data.Queries.Row(q).ToArray(), Limit = K, Ef = ef };
                var lists = new IReadOnlyList<ScoredPoint>[shards.Length];
                for (int s = 0; s < shards.Length; s++)
                {
                    lists[s] = shards[s].Search(request);
                }
                ShardHits.Merge(lists, collection.Config.Distance, 0, K, null);
            });
            queries += data.Queries.Rows;
        }
        while (clock.Elapsed.TotalSeconds < seconds);
        return queries / clock.Elapsed.TotalSeconds;
    }

    private static async Task<JsonDocument> PostAsync(HttpClient client, byte[] body)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await client.PostAsync($"collections/{Collection}/points/search", content).ConfigureAwait(false);
        var stream = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
        return await JsonDocument.ParseAsync(stream).ConfigureAwait(false);
    }

    private static async Task<JsonDocument> SendAsync(HttpClient client, HttpMethod method, string path, string? body)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }
        using var response = await client.SendAsync(request).ConfigureAwait(false);
        string text = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new CommandLine.CliException($"{method} {path}: {(int)response.StatusCode} {text}");
        }
        return JsonDocument.Parse(text);
    }

    private static string Batch(Dataset data, int start, int end)
    {
        var body = new StringBuilder("{\"points\": [");
        for (int row = start; row < end; row++)
        {
            body.Append(row == start ? "" : ",").Append("{\"id\": ").Append(row.ToString(CultureInfo.InvariantCulture))
                .Append(", \"vector\": ").Append(Vector(data.Base.Row(row))).Append('}');
        }
        return body.Append("]}").ToString();
    }

    private static string Vector(ReadOnlySpan<float> vector)
    {
        var text = new StringBuilder("[");
        for (int i = 0; i < vector.Length; i++)
        {
            text.Append(i == 0 ? "" : ",").Append(vector[i].ToString("R", CultureInfo.InvariantCulture));
        }
        return text.Append(']').ToString();
    }
}
