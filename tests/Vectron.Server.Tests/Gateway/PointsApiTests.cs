using System.Net;
using System.Text.Json;

namespace Vectron.Server.Tests.Gateway;

public sealed class PointsApiTests
{
    private const string Uuid = "5c56c793-69f3-4fbf-87e6-c4bf54c28c26";

    private static async Task<TestServer> WithCollectionAsync(int shards = 3)
    {
        var server = await TestServer.StartAsync();
        await server.OkAsync("PUT", "/collections/c", $"{{\"vectors\": {{\"size\": 3, \"distance\": \"Euclid\"}}, \"shard_number\": {shards}}}");
        var upsert = await server.OkAsync("PUT", "/collections/c/points?wait=true", """
            {"points": [
              {"id": 1, "vector": [1, 0, 0], "payload": {"city": "Oslo", "n": 1, "tags": ["a", "b"]}},
              {"id": 2, "vector": [0, 1, 0], "payload": {"city": "Rome", "n": 2}},
              {"id": 3, "vector": [0, 0, 1], "payload": {"city": "Oslo", "n": 3, "nested": {"k": "v"}}},
              {"id": "UUID", "vector": [1, 1, 0], "payload": {"city": "Lima", "n": 4}},
              {"id": 5, "vector": [2, 2, 2]}
            ]}
            """.Replace("UUID", Uuid, StringComparison.Ordinal));
        Assert.Equal("completed", upsert.GetProperty("status").GetString());
        return server;
    }

    [Fact]
    public async Task Upsert_GetOne_GetMany_InBothIdKinds()
    {
        await using var server = await WithCollectionAsync();
        var one = await server.OkAsync("GET", "/collections/c/points/1");
        Assert.Equal(1, one.GetProperty("id").GetInt32());
        Assert.Equal("Oslo", one.GetProperty("payload").GetProperty("city").GetString());
        Assert.Equal([1f, 0f, 0f], one.GetProperty("vector").EnumerateArray().Select(v => v.GetSingle()).ToArray());
        var byUuid = await server.OkAsync("GET", $"/collections/c/points/{Uuid}");
        Assert.Equal(Uuid, byUuid.GetProperty("id").GetString());
        await server.ErrorAsync(HttpStatusCode.NotFound, "GET", "/collections/c/points/99", null, "No point with id 99 found");
        await server.ErrorAsync(HttpStatusCode.BadRequest, "GET", "/collections/c/points/abc", null, "id: `abc` is neither");

        var many = await server.OkAsync("POST", "/collections/c/points", $$"""{"ids": [3, 99, "{{Uuid}}", 1], "with_payload": ["city"], "with_vector": true}""");
        var records = many.EnumerateArray().ToArray();
        Assert.Equal(["3", Uuid, "1"], records.Select(r => r.GetProperty("id").ToString()).ToArray());
        Assert.Equal(["city"], records[0].GetProperty("payload").EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal(3, records[0].GetProperty("vector").GetArrayLength());

        // Upsert replaces a point wholly (vector and payload).
        await server.OkAsync("PUT", "/collections/c/points?wait=true", """{"batch": {"ids": [1], "vectors": [[0, 0, 5]], "payloads": [{"city": "Bern"}]}}""");
        one = await server.OkAsync("GET", "/collections/c/points/1");
        Assert.Equal("""{"city":"Bern"}""", one.GetProperty("payload").GetRawText());
        Assert.Equal(5, (await server.OkAsync("POST", "/collections/c/points/count", "{}")).GetProperty("count").GetInt64());
    }

    [Fact]
    public async Task Upsert_RefusesBadPoints_NamingTheField_AndChangesNothing()
    {
        await using var server = await WithCollectionAsync();
        (string Body, string Fragment)[] cases =
        [
            ("""{"points": [{"id": 10, "vector": [1, 0]}]}""", "points[0].vector: wrong vector dimension: expected 3, got 2"),
            ("""{"points": [{"id": 10, "vector": [1, 0, 0]}, {"id": 11, "vector": [1, 0, 1e39]}]}""", "points[1].vector[2]: value 1E+39 is not a finite 32-bit float"),
            ("""{"points": [{"id": 10, "vector": [1, "x", 0]}]}""", "points[0].vector[1]: expected a number"),
            ("""{"points": [{"id": -1, "vector": [1, 0, 0]}]}""", "points[0].id"),
            ("""{"points": [{"id": 1.5, "vector": [1, 0, 0]}]}""", "points[0].id"),
            ("""{"points": [{"id": "not-a-uuid", "vector": [1, 0, 0]}]}""", "points[0].id"),
            ("""{"points": [{"id": true, "vector": [1, 0, 0]}]}""", "points[0].id"),
            ("""{"points": [{"id": 10, "vector": [1, 0, 0]}, {"id": 10, "vector": [0, 1, 0]}]}""", "points[1].id: duplicate id 10 in the batch (also at points[0])"),
            ("""{"points": [{"vector": [1, 0, 0]}]}""", "points[0].id: missing field"),
            ("""{"points": [{"id": 10, "vector": [1, 0, 0], "payload": [1]}]}""", "points[0].payload: expected an object"),
            // Shards refuse a payload with a repeated member name (editing it later would fail); the
            // gateway must refuse it too, or the points of the other shards are written anyway.
            ("""{"points": [{"id": 10, "vector": [1, 0, 0]}, {"id": 11, "vector": [1, 0, 0]}, {"id": 12, "vector": [1, 0, 0]}, {"id": 13, "vector": [1, 0, 0]}, {"id": 14, "vector": [1, 0, 0], "payload": {"a": {"b": 1, "b": 2}}}]}""", "points[4].payload.a: the member name `b` appears twice"),
            ("""{"points": [{"id": 10, "vector": {"image": [1, 0, 0]}}]}""", "named vectors are not supported"),
            ("""{"batch": {"ids": [10, 11], "vectors": [[1, 0, 0]]}}""", "batch.vectors: has 1 vectors for 2 ids"),
            ("""{}""", "points: missing field"),
        ];
        foreach (var (body, fragment) in cases)
        {
            await server.ErrorAsync(HttpStatusCode.BadRequest, "PUT", "/collections/c/points?wait=true", body, fragment);
        }
        await server.ErrorAsync(HttpStatusCode.NotFound, "PUT", "/collections/nope/points?wait=true", """{"points": []}""", "Collection `nope` doesn't exist!");
        Assert.Equal(5, (await server.OkAsync("POST", "/collections/c/points/count", "{}")).GetProperty("count").GetInt64());
        await server.ErrorAsync(HttpStatusCode.NotFound, "GET", "/collections/c/points/10", null, "No point with id 10");
    }

    [Fact]
    public async Task AnyBody_WithAnUnpairedSurrogateEscape_Is400NamingTheField_AndChangesNothing()
    {
        // JSON can escape a lone surrogate (\ud800); reading such a string throws, so it must be
        // refused where it enters (it broke searches with a 500 and, once stored, shard applies).
        await using var server = await WithCollectionAsync();
        (string Method, string Path, string Body, string Fragment)[] cases =
        [
            ("PUT", "/collections/c/points?wait=true", """{"points": [{"id": 10, "vector": [1, 0, 0], "payload": {"s": "a\ud800"}}]}""", "points[0].payload.s: a string is not valid UTF-16"),
            ("PUT", "/collections/c/points?wait=true", """{"points": [{"id": 10, "vector": [1, 0, 0], "payload": {"t": [{"\udc00": 1}]}}]}""", "points[0].payload.t[0].(a member name): a string is not valid UTF-16"),
            ("POST", "/collections/c/points/payload?wait=true", """{"payload": {"s": "\udfff"}, "points": [1]}""", "payload.s: a string is not valid UTF-16"),
            ("POST", "/collections/c/points/payload?wait=true", """{"payload": {"s": 1, "s": 2}, "points": [1, 2, 3]}""", "payload: the member name `s` appears twice"),
            ("POST", "/collections/c/points/search", """{"vector": [1, 0, 0], "limit": 3, "filter": {"must": [{"key": "city", "match": {"value": "\ud800"}}]}}""", "filter.must[0].match.value: a string is not valid UTF-16"),
            ("POST", "/collections/c/points/search", """{"vector": [1, 0, 0], "limit": 3, "with_payload": ["\ud800"]}""", "with_payload[0]: a string is not valid UTF-16"),
            ("POST", "/collections/c/points/delete?wait=true", """{"filter": {"must": [{"key": "\ud800", "match": {"value": 1}}]}}""", "filter.must[0].key: a string is not valid UTF-16"),
        ];
        foreach (var (method, path, body, fragment) in cases)
        {
            await server.ErrorAsync(HttpStatusCode.BadRequest, method, path, body, fragment);
        }
        Assert.Equal(5, (await server.OkAsync("POST", "/collections/c/points/count", "{}")).GetProperty("count").GetInt64());
        // An escaped surrogate pair is a valid character and is kept.
        await server.OkAsync("PUT", "/collections/c/points?wait=true", """{"points": [{"id": 10, "vector": [1, 0, 0], "payload": {"s": "\ud83d\ude00"}}]}""");
        Assert.Equal("\U0001F600", (await PayloadAsync(server, 10)).GetProperty("s").GetString());
        // So is an escaped backslash followed by text that looks like an escape.
        await server.OkAsync("PUT", "/collections/c/points?wait=true", """{"points": [{"id": 11, "vector": [1, 0, 0], "payload": {"s": "\\ud800"}}]}""");
        Assert.Equal("\\ud800", (await PayloadAsync(server, 11)).GetProperty("s").GetString());
    }

    [Fact]
    public async Task Delete_ByIds_AndByFilter()
    {
        await using var server = await WithCollectionAsync();
        await server.OkAsync("POST", "/collections/c/points/delete?wait=true", """{"points": [2, 42]}""");
        Assert.Equal(4, await CountAsync(server, "{}"));
        await server.OkAsync("POST", "/collections/c/points/delete?wait=true", """{"filter": {"must": [{"key": "city", "match": {"value": "Oslo"}}]}}""");
        Assert.Equal(2, await CountAsync(server, "{}"));
        await server.ErrorAsync(HttpStatusCode.NotFound, "GET", "/collections/c/points/1", null, "No point with id 1");
        await server.ErrorAsync(HttpStatusCode.BadRequest, "POST", "/collections/c/points/delete", """{}""", "points: missing field (give points or filter)");
        await server.ErrorAsync(HttpStatusCode.BadRequest, "POST", "/collections/c/points/delete", """{"points": [1], "filter": {}}""", "either points or filter");
        await server.ErrorAsync(HttpStatusCode.BadRequest, "POST", "/collections/c/points/delete", """{"points": [1, 1]}""", "points[1]: duplicate id 1");
        await server.ErrorAsync(HttpStatusCode.BadRequest, "POST", "/collections/c/points/delete",
            """{"filter": {"must": [{"key": "n", "range": {"gt": "x"}}]}}""", "filter.must[0].range.gt");
        Assert.Equal(2, await CountAsync(server, "{}"));
    }

    [Fact]
    public async Task Payload_Set_Overwrite_DeleteKeys_Clear()
    {
        await using var server = await WithCollectionAsync();
        await server.OkAsync("POST", "/collections/c/points/payload?wait=true", """{"payload": {"k": 7}, "points": [1, 2]}""");
        Assert.Equal(7, (await PayloadAsync(server, 1)).GetProperty("k").GetInt32());
        Assert.Equal("Oslo", (await PayloadAsync(server, 1)).GetProperty("city").GetString());

        await server.OkAsync("POST", "/collections/c/points/payload?wait=true", """{"payload": {"x": 1}, "key": "nested", "points": [3]}""");
        Assert.Equal("""{"k":"v","x":1}""", (await PayloadAsync(server, 3)).GetProperty("nested").GetRawText());

        await server.OkAsync("POST", "/collections/c/points/payload?wait=true", """{"payload": {"big": true}, "filter": {"must": [{"key": "n", "range": {"gte": 2}}]}}""");
        Assert.Equal(3, await CountAsync(server, """{"filter": {"must": [{"key": "big", "match": {"value": true}}]}}"""));

        await server.OkAsync("PUT", "/collections/c/points/payload?wait=true", """{"payload": {"only": 1}, "points": [2]}""");
        Assert.Equal("""{"only":1}""", (await PayloadAsync(server, 2)).GetRawText());

        await server.OkAsync("POST", "/collections/c/points/payload/delete?wait=true", """{"keys": ["city", "tags"], "points": [1]}""");
        Assert.Equal(["n", "k"], (await PayloadAsync(server, 1)).EnumerateObject().Select(p => p.Name).ToArray());

        await server.OkAsync("POST", "/collections/c/points/payload/clear?wait=true", """{"points": [1]}""");
        Assert.Equal("{}", (await PayloadAsync(server, 1)).GetRawText());
        // Left with n: 3 and the UUID point (1 cleared, 2 overwritten, 5 never had one).
        Assert.Equal(2, await CountAsync(server, """{"filter": {"must_not": [{"is_empty": {"key": "n"}}]}}"""));

        await server.ErrorAsync(HttpStatusCode.BadRequest, "POST", "/collections/c/points/payload", """{"points": [1]}""", "payload: missing field");
        await server.ErrorAsync(HttpStatusCode.BadRequest, "POST", "/collections/c/points/payload", """{"payload": 3, "points": [1]}""", "payload: expected an object");
        await server.ErrorAsync(HttpStatusCode.BadRequest, "POST", "/collections/c/points/payload/delete", """{"keys": [1], "points": [1]}""", "keys[0]: expected a string");
        await server.ErrorAsync(HttpStatusCode.NotFound, "POST", "/collections/c/points/payload?wait=true", """{"payload": {"a": 1}, "points": [404]}""", "404");
    }

    [Fact]
    public async Task WriteWithoutWait_IsAppliedWhenAcknowledged_AndSurvivesRestart()
    {
        await using var server = await WithCollectionAsync();
        for (int round = 0; round < 20; round++)
        {
            int id = 100 + round;
            var answer = await server.OkAsync("PUT", "/collections/c/points?wait=false", $$$"""{"points": [{"id": {{{id}}}, "vector": [{{{round}}}, 1, 2], "payload": {"round": {{{round}}}}}]}""");
            Assert.Equal("acknowledged", answer.GetProperty("status").GetString());
            // consistency=any reads the replica as it is, with no barrier: the point must already be applied.
            var point = await server.OkAsync("GET", $"/collections/c/points/{id}?consistency=any");
            Assert.Equal(round, point.GetProperty("payload").GetProperty("round").GetInt32());
        }
        var deleted = await server.OkAsync("POST", "/collections/c/points/delete", """{"points": [100, 101]}""");
        Assert.Equal("acknowledged", deleted.GetProperty("status").GetString());
        Assert.Equal(23, (await server.OkAsync("POST", "/collections/c/points/count?consistency=any", "{}")).GetProperty("count").GetInt64());

        await server.RestartAsync();
        Assert.Equal(23, await CountAsync(server, "{}"));
        Assert.Equal(19, (await PayloadAsync(server, 119)).GetProperty("round").GetInt32());
        await server.ErrorAsync(HttpStatusCode.NotFound, "GET", "/collections/c/points/100", null, "No point with id 100");
    }

    [Fact]
    public async Task WriteWithoutWait_ReportsTheShardsRejection()
    {
        await using var server = await WithCollectionAsync(shards: 1);
        // Only the shard knows that point 404 does not exist: the refusal comes back through Raft.
        await server.ErrorAsync(HttpStatusCode.NotFound, "POST", "/collections/c/points/payload?wait=false", """{"payload": {"a": 1}, "points": [1, 404]}""", "404");
        Assert.False((await PayloadAsync(server, 1)).TryGetProperty("a", out _));
        await server.ErrorAsync(HttpStatusCode.NotFound, "POST", "/collections/c/points/payload", """{"payload": {"a": 1}, "points": [404]}""", "404");
    }

    [Fact]
    public async Task Count_And_Scroll_PageThroughEveryPointInIdOrder()
    {
        await using var server = await TestServer.StartAsync();
        await server.OkAsync("PUT", "/collections/s", """{"vectors": {"size": 2, "distance": "Cosine"}, "shard_number": 3}""");
        var points = string.Join(",", Enumerable.Range(1, 50).Select(i => "{\"id\": " + i + ", \"vector\": [1, " + i + "], \"payload\": {\"even\": " + (i % 2 == 0 ? "true" : "false") + "}}"));
        await server.OkAsync("PUT", "/collections/s/points?wait=true", $$"""{"points": [{{points}}, {"id": "{{Uuid}}", "vector": [1, 1]}]}""");

        Assert.Equal(51, await CountAsync(server, "{}", "s"));
        Assert.Equal(25, await CountAsync(server, """{"filter": {"must": [{"key": "even", "match": {"value": true}}]}, "exact": true}""", "s"));
        Assert.Equal(0, await CountAsync(server, """{"filter": {"must": [{"key": "missing.key[]", "match": {"value": 1}}]}}""", "s"));

        var seen = new List<string>();
        string offset = "null";
        for (int page = 0; page < 20 && offset != ""; page++)
        {
            var result = await server.OkAsync("POST", "/collections/s/points/scroll", $$"""{"limit": 7, "offset": {{offset}}, "with_payload": false}""");
            var ids = result.GetProperty("points").EnumerateArray().Select(p => p.GetProperty("id")).ToArray();
            Assert.True(ids.Length <= 7);
            seen.AddRange(ids.Select(id => id.ToString()));
            var next = result.GetProperty("next_page_offset");
            offset = next.ValueKind == JsonValueKind.Null ? "" : next.GetRawText();
        }
        Assert.Equal(Enumerable.Range(1, 50).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append(Uuid).ToArray(), seen.ToArray());

        var filtered = await server.OkAsync("POST", "/collections/s/points/scroll", """{"limit": 100, "filter": {"must": [{"key": "even", "match": {"value": true}}]}}""");
        Assert.Equal(25, filtered.GetProperty("points").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, filtered.GetProperty("next_page_offset").ValueKind);
        Assert.True(filtered.GetProperty("points")[0].GetProperty("payload").GetProperty("even").GetBoolean());
        await server.ErrorAsync(HttpStatusCode.BadRequest, "POST", "/collections/s/points/scroll", """{"limit": 0}""", "limit: must be between 1");
        await server.ErrorAsync(HttpStatusCode.BadRequest, "POST", "/collections/s/points/scroll", """{"offset": -3}""", "offset");
    }

    private static async Task<long> CountAsync(TestServer server, string body, string collection = "c") =>
        (await server.OkAsync("POST", $"/collections/{collection}/points/count", body)).GetProperty("count").GetInt64();

    private static async Task<JsonElement> PayloadAsync(TestServer server, int id) =>
        (await server.OkAsync("GET", $"/collections/c/points/{id}")).GetProperty("payload");
}
