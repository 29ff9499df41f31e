using System.Net;

namespace Vectron.Server.Tests.Gateway;

public sealed class CollectionsApiTests
{
    private const string Create4 = """{"vectors": {"size": 4, "distance": "Dot"}, "shard_number": 3}""";

    [Fact]
    public async Task Create_List_Info_Exists_Update_Delete()
    {
        await using var server = await TestServer.StartAsync();
        Assert.True((await server.OkAsync("PUT", "/collections/books", """
            {"vectors": {"size": 4, "distance": "Dot"}, "shard_number": 3,
             "hnsw_config": {"m": 8, "ef_construct": 64},
             "quantization_config": {"scalar": {"type": "int8", "quantile": 0.99, "always_ram": true}},
             "optimizers_config": {"default_segment_number": 2, "indexing_threshold": 0}}
            """)).GetBoolean());
        await server.OkAsync("PUT", "/collections/films", """{"vectors": {"size": 2, "distance": "Euclid"}}""");

        var list = await server.OkAsync("GET", "/collections");
        Assert.Equal(["books", "films"], list.GetProperty("collections").EnumerateArray().Select(c => c.GetProperty("name").GetString()!).ToArray());

        var info = await server.OkAsync("GET", "/collections/books");
        Assert.Equal("green", info.GetProperty("status").GetString());
        Assert.Equal(0, info.GetProperty("points_count").GetInt64());
        var config = info.GetProperty("config");
        Assert.Equal(4, config.GetProperty("params").GetProperty("vectors").GetProperty("size").GetInt32());
        Assert.Equal("Dot", config.GetProperty("params").GetProperty("vectors").GetProperty("distance").GetString());
        Assert.Equal(3, config.GetProperty("params").GetProperty("shard_number").GetInt32());
        Assert.Equal(8, config.GetProperty("hnsw_config").GetProperty("m").GetInt32());
        Assert.Equal(64, config.GetProperty("hnsw_config").GetProperty("ef_construct").GetInt32());
        var scalar = config.GetProperty("quantization_config").GetProperty("scalar");
        Assert.Equal("int8", scalar.GetProperty("type").GetString());
        Assert.True(scalar.GetProperty("always_ram").GetBoolean());
        // The default shard count of the server (2) applies when none is given.
        Assert.Equal(2, (await server.OkAsync("GET", "/collections/films")).GetProperty("config").GetProperty("params").GetProperty("shard_number").GetInt32());

        Assert.True((await server.OkAsync("GET", "/collections/books/exists")).GetProperty("exists").GetBoolean());
        Assert.False((await server.OkAsync("GET", "/collections/nope/exists")).GetProperty("exists").GetBoolean());

        await server.OkAsync("PATCH", "/collections/books", """{"hnsw_config": {"m": 32}, "quantization_config": "Disabled", "optimizers_config": {"indexing_threshold": 100}}""");
        config = (await server.OkAsync("GET", "/collections/books")).GetProperty("config");
        Assert.Equal(32, config.GetProperty("hnsw_config").GetProperty("m").GetInt32());
        Assert.Equal(64, config.GetProperty("hnsw_config").GetProperty("ef_construct").GetInt32());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, config.GetProperty("quantization_config").ValueKind);

        Assert.True((await server.OkAsync("DELETE", "/collections/books")).GetBoolean());
        Assert.False((await server.OkAsync("DELETE", "/collections/books")).GetBoolean());
        Assert.False((await server.OkAsync("GET", "/collections/books/exists")).GetProperty("exists").GetBoolean());
        await server.ErrorAsync(HttpStatusCode.NotFound, "GET", "/collections/books", null, "Collection `books` doesn't exist!");
    }

    [Fact]
    public async Task Create_RefusesBadBodies_NamingTheField_AndCreatesNothing()
    {
        await using var server = await TestServer.StartAsync();
        (string Body, string Fragment)[] cases =
        [
            ("""{}""", "vectors: missing field"),
            ("""{"vectors": {"size": 0, "distance": "Cosine"}}""", "vectors.size: must be between 1 and 65536"),
            ("""{"vectors": {"size": "4", "distance": "Cosine"}}""", "vectors.size: expected an integer"),
            ("""{"vectors": {"size": 4}}""", "vectors.distance: missing field"),
            ("""{"vectors": {"size": 4, "distance": "Hamming"}}""", "vectors.distance: unknown distance `Hamming`"),
            ("""{"vectors": {"size": 4, "distance": "Manhattan"}}""", "vectors.distance: Manhattan distance is not supported"),
            ("""{"vectors": {"image": {"size": 4, "distance": "Cosine"}}}""", "named vectors are not supported"),
            ("""{"vectors": {"size": 4, "distance": "Cosine"}, "shard_number": 0}""", "shard_number: must be between 1 and 1024"),
            ("""{"vectors": {"size": 4, "distance": "Cosine"}, "replication_factor": 3}""", "replication_factor: must be between 1 and 1"),
            ("""{"vectors": {"size": 4, "distance": "Cosine"}, "hnsw_config": {"m": 1}}""", "hnsw_config.m: must be between 2 and 128"),
            ("""{"vectors": {"size": 4, "distance": "Cosine"}, "quantization_config": {"product": {}}}""", "only scalar int8 quantization is supported"),
            ("""{"vectors": {"size": 4, "distance": "Cosine"}, "quantization_config": {"scalar": {"type": "int4"}}}""", "quantization_config.scalar.type: only int8"),
            ("""{"vectors": {"size": 4, "distance": "Cosine"}""", "malformed JSON body at line 1"),
            ("""[1, 2]""", "body: expected a JSON object, not an array"),
        ];
        foreach (var (body, fragment) in cases)
        {
            await server.ErrorAsync(HttpStatusCode.BadRequest, "PUT", "/collections/c", body, fragment);
        }
        await server.ErrorAsync(HttpStatusCode.BadRequest, "PUT", "/collections/a:b", Create4, "forbidden character ':'");
        Assert.Equal(0, (await server.OkAsync("GET", "/collections")).GetProperty("collections").GetArrayLength());
        Assert.Equal(0UL, server.Node.Placement.Current.Epoch);
    }

    [Fact]
    public async Task Create_OfAnExistingName_IsAConflict_AndUpdateOfAMissingOne_NotFound()
    {
        await using var server = await TestServer.StartAsync();
        await server.OkAsync("PUT", "/collections/c", Create4);
        await server.ErrorAsync(HttpStatusCode.Conflict, "PUT", "/collections/c", Create4, "already exists");
        await server.ErrorAsync(HttpStatusCode.NotFound, "PATCH", "/collections/nope", """{"hnsw_config": {"m": 4}}""", "Collection `nope` doesn't exist!");
        await server.ErrorAsync(HttpStatusCode.BadRequest, "PATCH", "/collections/c", """{"hnsw_config": {"ef_construct": 2}}""", "hnsw_config.ef_construct");
        Assert.Equal(3, (await server.OkAsync("GET", "/collections/c")).GetProperty("config").GetProperty("params").GetProperty("shard_number").GetInt32());
    }

    [Fact]
    public async Task PayloadIndex_IsCreatedOnEveryShard_ReportedInInfo_AndDeleted()
    {
        await using var server = await TestServer.StartAsync();
        await server.OkAsync("PUT", "/collections/c", Create4);
        await server.OkAsync("PUT", "/collections/c/points?wait=true", """
            {"points": [{"id": 1, "vector": [1, 0, 0, 0], "payload": {"city": "Oslo"}},
                        {"id": 2, "vector": [0, 1, 0, 0], "payload": {"city": "Rome"}},
                        {"id": 3, "vector": [0, 0, 1, 0], "payload": {"n": 3}}]}
            """);
        var created = await server.OkAsync("PUT", "/collections/c/index?wait=true", """{"field_name": "city", "field_schema": "keyword"}""");
        Assert.Equal("completed", created.GetProperty("status").GetString());
        await server.OkAsync("PUT", "/collections/c/index", """{"field_name": "n", "field_schema": {"type": "integer"}}""");

        var schema = (await server.OkAsync("GET", "/collections/c")).GetProperty("payload_schema");
        Assert.Equal("keyword", schema.GetProperty("city").GetProperty("data_type").GetString());
        Assert.Equal(2, schema.GetProperty("city").GetProperty("points").GetInt64());
        Assert.Equal("integer", schema.GetProperty("n").GetProperty("data_type").GetString());
        foreach (var group in server.Node.Placement.Current.Collections["c"].ShardGroups)
        {
            var stats = ((Vectron.Server.Worker.ShardStateMachine)server.Node.Shard(group)!.Machine!).GetStats();
            Assert.Contains(stats.PayloadIndexes, index => index.Field == "city");
        }

        // The filter still answers the same with the index in place.
        var hits = await server.OkAsync("POST", "/collections/c/points/count", """{"filter": {"must": [{"key": "city", "match": {"any": ["Oslo", "Rome"]}}]}}""");
        Assert.Equal(2, hits.GetProperty("count").GetInt64());

        await server.ErrorAsync(HttpStatusCode.BadRequest, "PUT", "/collections/c/index", """{"field_name": "x", "field_schema": "geo"}""", "field_schema: unknown schema `geo`");
        await server.ErrorAsync(HttpStatusCode.BadRequest, "PUT", "/collections/c/index", """{"field_schema": "keyword"}""", "field_name: missing field");
        await server.ErrorAsync(HttpStatusCode.NotFound, "PUT", "/collections/nope/index", """{"field_name": "x", "field_schema": "keyword"}""", "nope");

        await server.OkAsync("DELETE", "/collections/c/index/city?wait=true");
        schema = (await server.OkAsync("GET", "/collections/c")).GetProperty("payload_schema");
        Assert.False(schema.TryGetProperty("city", out _));
        await server.ErrorAsync(HttpStatusCode.NotFound, "DELETE", "/collections/c/index/city", null, "city");
    }
}
