using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Vectron.Index;
using Vectron.Server.Placement;
using Vectron.Server.Worker;

namespace Vectron.Server.Tests.Gateway;

/// <summary>PATCH /collections/{name}: the new index settings reach every shard through its log and survive restarts.</summary>
public sealed class CollectionUpdateApiTests
{
    private const int Dimension = 8;

    // More points per shard than ExactSearchThreshold (2,000), so searches without "exact" use the graph.
    private const int Points = 5_000;

    [Fact]
    public async Task Patch_RebuildsEveryShardsGraph_WithTheNewSettings_SearchesStayRight_AndSurvivesRestart()
    {
        const int seed = 61;
        await using var server = await TestServer.StartAsync();
        var vectors = await FillAsync(server, seed);
        await WaitIndexedAsync(server);
        AssertShards(server, m: 16, QuantizationKind.None);

        await server.OkAsync("PATCH", "/collections/u", """{"hnsw_config": {"m": 8, "ef_construct": 40}, "quantization_config": {"scalar": {"type": "int8", "always_ram": true}}}""");
        // Every shard applied the command before the answer: new graphs with the new settings are being built.
        AssertShards(server, m: 8, QuantizationKind.Int8, built: false);
        var config = (await server.OkAsync("GET", "/collections/u")).GetProperty("config");
        Assert.Equal(8, config.GetProperty("hnsw_config").GetProperty("m").GetInt32());
        Assert.Equal(40, config.GetProperty("hnsw_config").GetProperty("ef_construct").GetInt32());
        Assert.Equal("int8", config.GetProperty("quantization_config").GetProperty("scalar").GetProperty("type").GetString());
        // Searches while the graphs are rebuilt (the old graphs serve them).
        await AssertSearchesAgreeAsync(server, vectors, seed);

        var info = await WaitIndexedAsync(server);
        Assert.Equal("green", info.GetProperty("status").GetString());
        AssertShards(server, m: 8, QuantizationKind.Int8);
        await AssertSearchesAgreeAsync(server, vectors, seed + 1);

        await server.RestartAsync();
        await WaitReadyAsync(server);
        AssertShards(server, m: 8, QuantizationKind.Int8, built: false);
        await WaitIndexedAsync(server);
        AssertShards(server, m: 8, QuantizationKind.Int8);
        Assert.Equal(8, (await server.OkAsync("GET", "/collections/u")).GetProperty("config").GetProperty("hnsw_config").GetProperty("m").GetInt32());
        await AssertSearchesAgreeAsync(server, vectors, seed + 2);

        // "Disabled" turns quantization off again, on every shard.
        await server.OkAsync("PATCH", "/collections/u", """{"quantization_config": "Disabled"}""");
        AssertShards(server, m: 8, QuantizationKind.None, built: false);
        Assert.Equal(JsonValueKind.Null, (await server.OkAsync("GET", "/collections/u")).GetProperty("config").GetProperty("quantization_config").ValueKind);
        await WaitIndexedAsync(server);
        AssertShards(server, m: 8, QuantizationKind.None);
        await AssertSearchesAgreeAsync(server, vectors, seed + 3);
    }

    [Fact]
    public async Task Patch_WithInvalidValues_Is400NamingTheField_AndChangesNothing()
    {
        await using var server = await TestServer.StartAsync();
        await server.OkAsync("PUT", "/collections/u", """{"vectors": {"size": 4, "distance": "Dot"}, "shard_number": 2, "hnsw_config": {"m": 12}}""");
        await server.OkAsync("PUT", "/collections/u/points?wait=true", """{"points": [{"id": 1, "vector": [1, 2, 3, 4]}, {"id": 2, "vector": [4, 3, 2, 1]}]}""");
        await server.ErrorAsync(HttpStatusCode.BadRequest, "PATCH", "/collections/u", """{"hnsw_config": {"m": 0}}""", "hnsw_config.m");
        await server.ErrorAsync(HttpStatusCode.BadRequest, "PATCH", "/collections/u", """{"hnsw_config": {"m": 16, "ef_construct": "many"}}""", "hnsw_config.ef_construct");
        await server.ErrorAsync(HttpStatusCode.BadRequest, "PATCH", "/collections/u", """{"hnsw_config": {"m": 16}, "quantization_config": {"scalar": {"type": "int4"}}}""", "quantization_config.scalar.type");
        await server.ErrorAsync(HttpStatusCode.BadRequest, "PATCH", "/collections/u", """{"quantization_config": {"product": {"compression": "x4"}}}""", "quantization_config");
        await server.ErrorAsync(HttpStatusCode.BadRequest, "PATCH", "/collections/u", """{"quantization_config": "Enabled"}""", "quantization_config");

        var config = (await server.OkAsync("GET", "/collections/u")).GetProperty("config");
        Assert.Equal(12, config.GetProperty("hnsw_config").GetProperty("m").GetInt32());
        Assert.Equal(JsonValueKind.Null, config.GetProperty("quantization_config").ValueKind);
        AssertShards(server, m: 12, QuantizationKind.None);
        Assert.Equal(2, (await server.OkAsync("POST", "/collections/u/points/count", "{}")).GetProperty("count").GetInt64());
    }

    [Fact]
    public async Task ShardsCatchUpAtStart_WhenACrashCameBetweenTheCatalogueChangeAndTheShardCommands()
    {
        await using var server = await TestServer.StartAsync();
        await server.OkAsync("PUT", "/collections/u", """{"vectors": {"size": 4, "distance": "Euclid"}, "shard_number": 3}""");
        await server.OkAsync("PUT", "/collections/u/points?wait=true", """{"points": [{"id": 1, "vector": [1, 2, 3, 4]}, {"id": 2, "vector": [4, 3, 2, 1]}, {"id": 3, "vector": [0, 0, 0, 1]}]}""");
        // Only the placement change, as if the node had died before proposing to the shards.
        var (raft, outcome) = await server.Node.ProposePlacementAsync(
            new UpdateCollectionCommand("u", HnswPatch.Of(new HnswSettings(6, 30, 10_000)), new QuantizationSettings(true, null), false), CancellationToken.None);
        Assert.Equal(Raft.Hosting.RaftOutcome.Ok, raft);
        Assert.True(outcome.IsOk, outcome.Message);
        AssertShards(server, m: 16, QuantizationKind.None);

        await server.RestartAsync();
        await WaitReadyAsync(server);
        AssertShards(server, m: 6, QuantizationKind.Int8, built: false);
        await WaitIndexedAsync(server, points: 3);
        AssertShards(server, m: 6, QuantizationKind.Int8);
        var hit = await server.OkAsync("POST", "/collections/u/points/search", """{"vector": [0, 0, 0, 0.9], "limit": 1}""");
        Assert.Equal(3, hit[0].GetProperty("id").GetInt32());
    }

    /// <summary>Every shard has the settings, and the graph it builds (or, with <paramref name="built"/>, searches) has them too.</summary>
    private static void AssertShards(TestServer server, int m, QuantizationKind quantization, bool built = true)
    {
        var collection = server.Node.Placement.Current.Collections["u"];
        foreach (ulong group in collection.ShardGroups)
        {
            var shard = Assert.IsType<ShardStateMachine>(server.Node.Shard(group)!.Machine);
            Assert.Equal(m, shard.Options.M);
            var graph = built ? shard.GraphOptions : shard.RebuildProgress?.Options ?? shard.GraphOptions;
            Assert.False(built && shard.IsRebuilding, "the shard still rebuilds its graph");
            Assert.Equal(m, graph.M);
            Assert.Equal(quantization, graph.Quantization);
            Assert.Equal(quantization == QuantizationKind.Int8 ? ShardQuantization.Int8 : ShardQuantization.None, shard.Options.Quantization);
        }
    }

    private static async Task<float[][]> FillAsync(TestServer server, int seed)
    {
        await server.OkAsync("PUT", "/collections/u", $"{{\"vectors\": {{\"size\": {Dimension}, \"distance\": \"Euclid\"}}, \"shard_number\": 2}}");
        var random = new Random(seed);
        var vectors = new float[Points][];
        for (int start = 0; start < Points; start += 1_000)
        {
            var body = new StringBuilder("{\"points\": [");
            for (int i = start; i < start + 1_000; i++)
            {
                vectors[i] = Enumerable.Range(0, Dimension).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
                body.Append(i == start ? "" : ",").Append(CultureInfo.InvariantCulture, $"{{\"id\": {i}, \"vector\": {Json(vectors[i])}}}");
            }
            body.Append("]}");
            await server.OkAsync("PUT", "/collections/u/points?wait=true", body.ToString());
        }
        return vectors;
    }

    /// <summary>Graph search at a high ef finds (nearly) what the exact scan finds; recall over 20 queries.</summary>
    private static async Task AssertSearchesAgreeAsync(TestServer server, float[][] vectors, int seed)
    {
        var random = new Random(seed);
        int found = 0, total = 0;
        for (int q = 0; q < 20; q++)
        {
            var query = Enumerable.Range(0, Dimension).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            var exact = await server.OkAsync("POST", "/collections/u/points/search", $"{{\"vector\": {Json(query)}, \"limit\": 10, \"params\": {{\"exact\": true}}}}");
            var graph = await server.OkAsync("POST", "/collections/u/points/search", $"{{\"vector\": {Json(query)}, \"limit\": 10, \"params\": {{\"hnsw_ef\": 1000}}}}");
            var expected = exact.EnumerateArray().Select(h => h.GetProperty("id").GetInt32()).ToHashSet();
            Assert.Equal(10, expected.Count);
            found += graph.EnumerateArray().Count(h => expected.Contains(h.GetProperty("id").GetInt32()));
            total += 10;
        }
        Assert.True(found >= total * 0.98, $"seed {seed}: graph search found {found} of the {total} exact neighbours");
        Assert.Equal(Points, vectors.Length);
    }

    /// <summary>Polls the collection info until every point is indexed; bounded by iterations.</summary>
    private static async Task<JsonElement> WaitIndexedAsync(TestServer server, int points = Points)
    {
        JsonElement info = default;
        for (int i = 0; i < 3_000; i++)
        {
            info = await server.OkAsync("GET", "/collections/u");
            Assert.Equal(points, info.GetProperty("points_count").GetInt64());
            // Green also needs every shard's rebuild with the new settings finished (yellow meanwhile).
            if (info.GetProperty("indexed_vectors_count").GetInt64() == points && info.GetProperty("status").GetString() == "green")
            {
                return info;
            }
            await Task.Delay(10);
        }
        Assert.Fail($"indexing did not finish: {info}");
        return info;
    }

    private static async Task WaitReadyAsync(TestServer server)
    {
        for (int i = 0; i < 1_000 && !server.Node.IsReady; i++)
        {
            await Task.Delay(10);
        }
        Assert.True(server.Node.IsReady);
    }

    private static string Json(float[] vector) => "[" + string.Join(",", vector.Select(v => v.ToString("R", CultureInfo.InvariantCulture))) + "]";
}
