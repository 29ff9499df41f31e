using System.Net;
using System.Text;

namespace Vectron.Server.Tests.Gateway;

public sealed class ServiceApiTests
{
    [Fact]
    public async Task Root_Health_Readiness_Cluster_And_OpenApi()
    {
        await using var server = await TestServer.StartAsync();
        var root = await server.SendAsync("GET", "/");
        Assert.Equal(HttpStatusCode.OK, root.Status);
        Assert.StartsWith("vectron", root.Body.GetProperty("title").GetString(), StringComparison.Ordinal);
        Assert.Matches(@"^\d+\.\d+\.\d+$", root.Body.GetProperty("version").GetString()!);

        var health = await server.SendAsync("GET", "/healthz");
        Assert.Equal(HttpStatusCode.OK, health.Status);
        Assert.Equal("healthz check passed", health.Text);
        Assert.Equal("livez check passed", (await server.SendAsync("GET", "/livez")).Text);

        await server.OkAsync("PUT", "/collections/c", """{"vectors": {"size": 2, "distance": "Cosine"}, "shard_number": 2}""");
        var ready = await WaitReadyAsync(server);
        Assert.Equal(HttpStatusCode.OK, ready.Status);

        var cluster = await server.OkAsync("GET", "/cluster");
        Assert.Equal("enabled", cluster.GetProperty("status").GetString());
        Assert.Equal(1, cluster.GetProperty("peer_id").GetInt32());
        Assert.Equal("Leader", cluster.GetProperty("raft_info").GetProperty("role").GetString());
        Assert.Equal(1UL, cluster.GetProperty("metadata_epoch").GetUInt64());

        await server.OkAsync("PUT", "/collections/c/points?wait=true", """{"points": [{"id": 1, "vector": [1, 0]}, {"id": 2, "vector": [0, 1]}, {"id": 3, "vector": [1, 1]}]}""");
        var shards = await server.OkAsync("GET", "/collections/c/cluster");
        Assert.Equal(2, shards.GetProperty("shard_count").GetInt32());
        var local = shards.GetProperty("local_shards").EnumerateArray().ToArray();
        Assert.Equal(2, local.Length);
        Assert.Equal(3, local.Sum(shard => shard.GetProperty("points_count").GetInt64()));
        Assert.All(local, shard => Assert.Equal("Active", shard.GetProperty("state").GetString()));
        await server.ErrorAsync(HttpStatusCode.NotFound, "GET", "/collections/nope/cluster", null, "nope");

        var openApi = await server.SendAsync("GET", "/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, openApi.Status);
        Assert.Equal("3.0.3", openApi.Body.GetProperty("openapi").GetString());
        var paths = openApi.Body.GetProperty("paths");
        foreach (var path in (string[])["/collections/{name}/points/search", "/collections/{name}/points/query", "/collections/aliases", "/collections/{name}/index"])
        {
            Assert.True(paths.TryGetProperty(path, out _), $"missing {path}");
        }
        Assert.True(paths.GetProperty("/collections/{name}").TryGetProperty("patch", out _));
    }

    [Fact]
    public async Task UnknownEndpoints_MalformedJson_AndOversizedBodies_GetEnvelopedErrors()
    {
        await using var server = await TestServer.StartAsync(maxBodyBytes: 4096);
        await server.ErrorAsync(HttpStatusCode.NotFound, "GET", "/nope", null, "unknown endpoint GET /nope");
        await server.OkAsync("PUT", "/collections/c", """{"vectors": {"size": 2, "distance": "Cosine"}, "shard_number": 1}""");
        await server.ErrorAsync(HttpStatusCode.BadRequest, "POST", "/collections/c/points/search", """{"vector": [1, 0], "limit": }""", "malformed JSON body at line 1");
        await server.ErrorAsync(HttpStatusCode.BadRequest, "POST", "/collections/c/points/search", """{"vector": [NaN, 0], "limit": 1}""", "malformed JSON body");

        var big = new StringBuilder("""{"points": [""");
        for (int i = 0; i < 400; i++)
        {
            big.Append(i == 0 ? "" : ",").Append("{\"id\": ").Append(i).Append(", \"vector\": [0.5, 0.5]}");
        }
        big.Append("]}");
        await server.ErrorAsync(HttpStatusCode.RequestEntityTooLarge, "PUT", "/collections/c/points?wait=true", big.ToString(), "size limit");
        Assert.Equal(0, (await server.OkAsync("POST", "/collections/c/points/count", "{}")).GetProperty("count").GetInt64());
        await server.ErrorAsync(HttpStatusCode.BadRequest, "PUT", "/collections/c/points?wait=maybe", """{"points": []}""", "wait: expected true or false");
    }

    private static async Task<TestServer.Answer> WaitReadyAsync(TestServer server)
    {
        // Readiness is reached in the background once every shard answered a read; bounded by iterations, not time.
        for (int i = 0; i < 500; i++)
        {
            var answer = await server.SendAsync("GET", "/readyz");
            if (answer.Status == HttpStatusCode.OK)
            {
                return answer;
            }
            await Task.Yield();
            await Task.Delay(10);
        }
        return await server.SendAsync("GET", "/readyz");
    }

}
