using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Vectron.Server.Tests.Gateway;

public sealed class SearchApiTests
{
    private const int Dimension = 8;

    /// <summary>Random points with a payload "group" (i % 5); returns the vectors by id.</summary>
    private static async Task<float[][]> FillAsync(TestServer server, string distance, int count, int seed, int shards = 3)
    {
        await server.OkAsync("PUT", "/collections/v", $"{{\"vectors\": {{\"size\": {Dimension}, \"distance\": \"{distance}\"}}, \"shard_number\": {shards}}}");
        var random = new Random(seed);
        var vectors = new float[count][];
        var body = new StringBuilder("{\"points\": [");
        for (int i = 0; i < count; i++)
        {
            vectors[i] = Enumerable.Range(0, Dimension).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            body.Append(i == 0 ? "" : ",").Append(CultureInfo.InvariantCulture, $"{{\"id\": {i}, \"vector\": {Json(vectors[i])}, \"payload\": {{\"group\": {i % 5}, \"name\": \"p{i}\"}}}}");
        }
        body.Append("]}");
        await server.OkAsync("PUT", "/collections/v/points?wait=true", body.ToString());
        return vectors;
    }

    [Theory]
    [InlineData("Cosine", 11)]
    [InlineData("Dot", 12)]
    [InlineData("Euclid", 13)]
    public async Task ExactSearch_MergedAcrossShards_EqualsBruteForce_WithOffsetAndFilter(string distance, int seed)
    {
        await using var server = await TestServer.StartAsync();
        var vectors = await FillAsync(server, distance, 200, seed);
        var random = new Random(seed + 100);
        for (int q = 0; q < 5; q++)
        {
            var query = Enumerable.Range(0, Dimension).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            var expected = Rank(vectors, query, distance, id => true).Skip(3).Take(10).ToArray();
            var hits = await server.OkAsync("POST", "/collections/v/points/search",
                $"{{\"vector\": {Json(query)}, \"limit\": 10, \"offset\": 3, \"params\": {{\"exact\": true}}}}");
            Assert.True(expected.SequenceEqual(hits.EnumerateArray().Select(h => h.GetProperty("id").GetInt32())), $"seed {seed} query {q}: {hits}");

            var filtered = Rank(vectors, query, distance, id => id % 5 == 2).Take(4).ToArray();
            var filteredHits = await server.OkAsync("POST", "/collections/v/points/search",
                $"{{\"vector\": {Json(query)}, \"limit\": 4, \"filter\": {{\"must\": [{{\"key\": \"group\", \"match\": {{\"value\": 2}}}}]}}, \"params\": {{\"exact\": true}}, \"with_payload\": true}}");
            Assert.True(filtered.SequenceEqual(filteredHits.EnumerateArray().Select(h => h.GetProperty("id").GetInt32())), $"seed {seed} query {q} filtered: {filteredHits}");
            Assert.All(filteredHits.EnumerateArray(), hit => Assert.Equal(2, hit.GetProperty("payload").GetProperty("group").GetInt32()));
        }
    }

    [Fact]
    public async Task Search_Options_ScoreThreshold_PayloadSelection_Vectors_Hnsw_And_Consistency()
    {
        await using var server = await TestServer.StartAsync();
        var vectors = await FillAsync(server, "Cosine", 120, 21);
        string query = Json(vectors[7]);

        var hits = await server.OkAsync("POST", "/collections/v/points/search",
            $"{{\"vector\": {query}, \"limit\": 5, \"with_payload\": {{\"include\": [\"name\"]}}, \"with_vector\": true, \"params\": {{\"hnsw_ef\": 128}}}}");
        var first = hits[0];
        Assert.Equal(7, first.GetProperty("id").GetInt32());
        Assert.Equal(1.0, first.GetProperty("score").GetDouble(), 4);
        Assert.Equal("""{"name":"p7"}""", first.GetProperty("payload").GetRawText());
        Assert.Equal(Dimension, first.GetProperty("vector").GetArrayLength());
        var scores = hits.EnumerateArray().Select(h => h.GetProperty("score").GetDouble()).ToArray();
        Assert.Equal(scores.OrderDescending(), scores);

        double threshold = scores[2];
        var above = await server.OkAsync("POST", "/collections/v/points/search", $"{{\"vector\": {query}, \"limit\": 50, \"score_threshold\": {threshold.ToString("R", CultureInfo.InvariantCulture)}, \"params\": {{\"exact\": true}}}}");
        Assert.Equal(3, above.GetArrayLength());
        Assert.Equal(JsonValueKind.Null, above[0].GetProperty("payload").ValueKind);

        var excluded = await server.OkAsync("POST", "/collections/v/points/search", $"{{\"vector\": {query}, \"limit\": 1, \"with_payload\": {{\"exclude\": [\"name\"]}}}}");
        Assert.Equal("""{"group":2}""", excluded[0].GetProperty("payload").GetRawText());

        foreach (string consistency in (string[])["linearizable", "leader", "any"])
        {
            var answer = await server.OkAsync("POST", "/collections/v/points/search", $"{{\"vector\": {query}, \"limit\": 1, \"consistency\": \"{consistency}\"}}");
            Assert.Equal(7, answer[0].GetProperty("id").GetInt32());
        }
        Assert.Equal(7, (await server.OkAsync("POST", "/collections/v/points/search?consistency=majority", $"{{\"vector\": {query}, \"limit\": 1}}"))[0].GetProperty("id").GetInt32());
        await server.ErrorAsync(HttpStatusCode.BadRequest, "POST", "/collections/v/points/search", $"{{\"vector\": {query}, \"limit\": 1, \"consistency\": \"eventual\"}}", "consistency: expected linearizable, leader or any");
    }

    [Fact]
    public async Task SearchBatch_And_Query_ByVector_AndByPointId()
    {
        await using var server = await TestServer.StartAsync();
        var vectors = await FillAsync(server, "Euclid", 100, 31);
        var batch = await server.OkAsync("POST", "/collections/v/points/search/batch",
            $"{{\"searches\": [{{\"vector\": {Json(vectors[3])}, \"limit\": 2}}, {{\"vector\": {Json(vectors[4])}, \"limit\": 3, \"filter\": {{\"must_not\": [{{\"has_id\": [4]}}]}}}}]}}");
        Assert.Equal(2, batch.GetArrayLength());
        Assert.Equal(3, batch[0][0].GetProperty("id").GetInt32());
        Assert.Equal(0.0, batch[0][0].GetProperty("score").GetDouble(), 5);
        Assert.Equal(3, batch[1].GetArrayLength());
        Assert.DoesNotContain(batch[1].EnumerateArray(), hit => hit.GetProperty("id").GetInt32() == 4);

        var byVector = await server.OkAsync("POST", "/collections/v/points/query", $"{{\"query\": {Json(vectors[9])}, \"limit\": 3, \"with_payload\": true}}");
        Assert.Equal(9, byVector.GetProperty("points")[0].GetProperty("id").GetInt32());
        Assert.Equal("p9", byVector.GetProperty("points")[0].GetProperty("payload").GetProperty("name").GetString());
        var nearest = await server.OkAsync("POST", "/collections/v/points/query", $"{{\"query\": {{\"nearest\": {Json(vectors[9])}}}, \"limit\": 3, \"params\": {{\"exact\": true}}}}");
        Assert.Equal(9, nearest.GetProperty("points")[0].GetProperty("id").GetInt32());

        // By id: the point's own vector, the point itself left out; the rest as the exact ranking says.
        var expected = Rank(vectors, vectors[9], "Euclid", id => id != 9).Take(4).ToArray();
        var byId = await server.OkAsync("POST", "/collections/v/points/query", """{"query": 9, "limit": 4, "params": {"exact": true}}""");
        Assert.Equal(expected, byId.GetProperty("points").EnumerateArray().Select(p => p.GetProperty("id").GetInt32()).ToArray());
        var byNearestId = await server.OkAsync("POST", "/collections/v/points/query", """{"query": {"nearest": 9}, "limit": 4, "params": {"exact": true}}""");
        Assert.Equal(expected, byNearestId.GetProperty("points").EnumerateArray().Select(p => p.GetProperty("id").GetInt32()).ToArray());

        var queryBatch = await server.OkAsync("POST", "/collections/v/points/query/batch",
            $"{{\"searches\": [{{\"query\": {Json(vectors[9])}, \"limit\": 2}}, {{\"query\": 9, \"limit\": 4, \"params\": {{\"exact\": true}}}}]}}");
        Assert.Equal(2, queryBatch.GetArrayLength());
        Assert.Equal(9, queryBatch[0].GetProperty("points")[0].GetProperty("id").GetInt32());
        Assert.Equal(expected, queryBatch[1].GetProperty("points").EnumerateArray().Select(p => p.GetProperty("id").GetInt32()).ToArray());
        await server.ErrorAsync(HttpStatusCode.BadRequest, "POST", "/collections/v/points/query/batch", """{"searches": [{"query": 1}, {"query": [1]}]}""",
            "searches[1].query: wrong vector dimension");

        // A filter on a key no point has is valid and matches nothing.
        var none = await server.OkAsync("POST", "/collections/v/points/search",
            $"{{\"vector\": {Json(vectors[9])}, \"limit\": 3, \"filter\": {{\"must\": [{{\"key\": \"no.such[].key\", \"match\": {{\"value\": \"x\"}}}}]}}}}");
        Assert.Equal(0, none.GetArrayLength());

        await server.ErrorAsync(HttpStatusCode.NotFound, "POST", "/collections/v/points/query", """{"query": 12345}""", "No point with id 12345 found");
        await server.ErrorAsync(HttpStatusCode.BadRequest, "POST", "/collections/v/points/query", """{"query": {"recommend": {}}}""", "query kind `recommend` is not supported");
        await server.ErrorAsync(HttpStatusCode.BadRequest, "POST", "/collections/v/points/query", """{"query": {}}""", "query: an empty object is not a query");
        await server.ErrorAsync(HttpStatusCode.BadRequest, "POST", "/collections/v/points/query", """{"limit": 3}""", "query: missing field");
        await server.ErrorAsync(HttpStatusCode.BadRequest, "POST", "/collections/v/points/query", """{"query": [1, 2]}""", "query: wrong vector dimension: expected 8, got 2");
        await server.ErrorAsync(HttpStatusCode.BadRequest, "POST", "/collections/v/points/search/batch", """{"searches": [{"vector": [1], "limit": 1}]}""", "searches[0].vector: wrong vector dimension");
    }

    [Fact]
    public async Task Search_RefusesBadRequests_NamingTheField()
    {
        await using var server = await TestServer.StartAsync();
        await FillAsync(server, "Dot", 10, 41);
        string v = Json(new float[Dimension]);
        (string Body, string Fragment)[] cases =
        [
            ($"{{\"vector\": {v}}}", "limit: missing field"),
            ($"{{\"limit\": 3}}", "vector: missing field"),
            ($"{{\"vector\": [1, 2], \"limit\": 3}}", "vector: wrong vector dimension: expected 8, got 2"),
            ($"{{\"vector\": {v}, \"limit\": 0}}", "limit: must be between 1"),
            ($"{{\"vector\": {v}, \"limit\": 3, \"offset\": -1}}", "offset: must be between 0"),
            ($"{{\"vector\": {v}, \"limit\": 3, \"params\": {{\"hnsw_ef\": \"big\"}}}}", "params.hnsw_ef: expected an integer"),
            ($"{{\"vector\": {v}, \"limit\": 3, \"params\": {{\"quantization\": {{\"oversampling\": 0.5}}}}}}", "params.quantization.oversampling: must be between 1 and 100"),
            ($"{{\"vector\": {v}, \"limit\": 3, \"filter\": {{\"must\": [{{\"key\": \"group\", \"range\": {{\"gt\": \"x\"}}}}]}}}}", "filter.must[0].range.gt"),
            ($"{{\"vector\": {v}, \"limit\": 3, \"score_threshold\": \"high\"}}", "score_threshold: expected a finite number"),
            ($"{{\"vector\": {{\"name\": \"image\", \"vector\": {v}}}, \"limit\": 3}}", "vector.name: unknown vector name `image`"),
        ];
        foreach (var (body, fragment) in cases)
        {
            await server.ErrorAsync(HttpStatusCode.BadRequest, "POST", "/collections/v/points/search", body, fragment);
        }
        await server.ErrorAsync(HttpStatusCode.NotFound, "POST", "/collections/nope/points/search", $"{{\"vector\": {v}, \"limit\": 3}}", "Collection `nope` doesn't exist!");
    }

    [Fact]
    public async Task WriteWithoutWait_IsAcknowledged_AndThenVisibleToLinearizableReads()
    {
        await using var server = await TestServer.StartAsync();
        await server.OkAsync("PUT", "/collections/w", """{"vectors": {"size": 2, "distance": "Cosine"}, "shard_number": 2}""");
        var answer = await server.OkAsync("PUT", "/collections/w/points", """{"points": [{"id": 1, "vector": [1, 0]}, {"id": 2, "vector": [0, 1]}]}""");
        Assert.Equal("acknowledged", answer.GetProperty("status").GetString());
        // The shards elected their leaders before the create answered, so the unwaited proposals
        // reached Raft before the answer; a later write and a linearizable read are ordered behind them.
        await server.OkAsync("PUT", "/collections/w/points?wait=true", """{"points": [{"id": 3, "vector": [1, 1]}]}""");
        Assert.Equal(3, (await server.OkAsync("POST", "/collections/w/points/count", "{}")).GetProperty("count").GetInt64());
    }

    [Theory]
    [InlineData("Dot", "[-1e30, -1e30]")]
    [InlineData("Euclid", "[0, 1]")]
    public async Task Search_WhoseScoreOverflowsFloat_AnswersWithANullScore_NotA500(string distance, string query)
    {
        // Finite float32 vectors can still score beyond float32 (a dot product or a distance of
        // 1e30-sized values). Qdrant's JSON writer renders such a score as null; the answer must
        // not fail as a whole.
        await using var server = await TestServer.StartAsync();
        await server.OkAsync("PUT", "/collections/big", $$"""{"vectors": {"size": 2, "distance": "{{distance}}"}, "shard_number": 1}""");
        await server.OkAsync("PUT", "/collections/big/points?wait=true", """{"points": [{"id": 1, "vector": [1e30, 1e30]}, {"id": 2, "vector": [1, 0]}]}""");
        var hits = await server.OkAsync("POST", "/collections/big/points/search", $$$"""{"vector": {{{query}}}, "limit": 2, "params": {"exact": true}}""");
        Assert.Equal(2, hits.GetArrayLength());
        var scores = hits.EnumerateArray().ToDictionary(h => h.GetProperty("id").GetInt32(), h => h.GetProperty("score"));
        Assert.Equal(JsonValueKind.Null, scores[1].ValueKind);
        Assert.Equal(JsonValueKind.Number, scores[2].ValueKind);
    }

    /// <summary>Ids ranked by the exact score (best first; ties by id).</summary>
    private static IEnumerable<int> Rank(float[][] vectors, float[] query, string distance, Func<int, bool> admit)
    {
        double Score(float[] v)
        {
            double dot = 0, nq = 0, nv = 0, l2 = 0;
            for (int i = 0; i < v.Length; i++)
            {
                dot += v[i] * query[i];
                nq += query[i] * query[i];
                nv += v[i] * v[i];
                l2 += (v[i] - query[i]) * (v[i] - query[i]);
            }
            return distance switch
            {
                "Cosine" => dot / Math.Sqrt(nq * nv),
                "Dot" => dot,
                _ => -Math.Sqrt(l2),
            };
        }
        return Enumerable.Range(0, vectors.Length).Where(admit).OrderByDescending(id => Score(vectors[id])).ThenBy(id => id);
    }

    private static string Json(float[] vector) => "[" + string.Join(",", vector.Select(x => x.ToString("R", CultureInfo.InvariantCulture))) + "]";
}
