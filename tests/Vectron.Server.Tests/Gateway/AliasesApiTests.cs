using System.Net;

namespace Vectron.Server.Tests.Gateway;

public sealed class AliasesApiTests
{
    private const string Create2 = """{"vectors": {"size": 2, "distance": "Cosine"}, "shard_number": 1}""";

    [Fact]
    public async Task Aliases_Create_List_Rename_Delete_AndServeReadsAndWrites()
    {
        await using var server = await TestServer.StartAsync();
        await server.OkAsync("PUT", "/collections/v1", Create2);
        await server.OkAsync("PUT", "/collections/v2", Create2);
        await server.OkAsync("POST", "/collections/aliases", """{"actions": [{"create_alias": {"collection_name": "v1", "alias_name": "prod"}}]}""");

        // Writes and reads through the alias reach v1.
        await server.OkAsync("PUT", "/collections/prod/points?wait=true", """{"points": [{"id": 1, "vector": [1, 0]}]}""");
        Assert.Equal(1, (await server.OkAsync("POST", "/collections/v1/points/count", "{}")).GetProperty("count").GetInt64());
        Assert.True((await server.OkAsync("GET", "/collections/prod/exists")).GetProperty("exists").GetBoolean());

        // Switch prod to v2 atomically and rename it.
        await server.OkAsync("POST", "/collections/aliases", """
            {"actions": [{"delete_alias": {"alias_name": "prod"}},
                         {"create_alias": {"collection_name": "v2", "alias_name": "prod"}},
                         {"rename_alias": {"old_alias_name": "prod", "new_alias_name": "live"}}]}
            """);
        var all = await server.OkAsync("GET", "/collections/aliases");
        var alias = Assert.Single(all.GetProperty("aliases").EnumerateArray());
        Assert.Equal("live", alias.GetProperty("alias_name").GetString());
        Assert.Equal("v2", alias.GetProperty("collection_name").GetString());
        Assert.Single((await server.OkAsync("GET", "/aliases")).GetProperty("aliases").EnumerateArray());
        Assert.Single((await server.OkAsync("GET", "/collections/v2/aliases")).GetProperty("aliases").EnumerateArray());
        Assert.Empty((await server.OkAsync("GET", "/collections/v1/aliases")).GetProperty("aliases").EnumerateArray());
        Assert.Equal(0, (await server.OkAsync("POST", "/collections/live/points/count", "{}")).GetProperty("count").GetInt64());

        await server.OkAsync("POST", "/collections/aliases", """{"actions": [{"delete_alias": {"alias_name": "live"}}]}""");
        Assert.Empty((await server.OkAsync("GET", "/collections/aliases")).GetProperty("aliases").EnumerateArray());
        await server.ErrorAsync(HttpStatusCode.NotFound, "POST", "/collections/live/points/count", "{}", "Collection `live` doesn't exist!");
    }

    [Fact]
    public async Task AliasActions_AreAtomic_AndErrorsHaveTheRightStatus()
    {
        await using var server = await TestServer.StartAsync();
        await server.OkAsync("PUT", "/collections/v1", Create2);
        await server.OkAsync("POST", "/collections/aliases", """{"actions": [{"create_alias": {"collection_name": "v1", "alias_name": "a"}}]}""");

        // The second action fails: the first (creating b) must not have happened.
        await server.ErrorAsync(HttpStatusCode.NotFound, "POST", "/collections/aliases", """
            {"actions": [{"create_alias": {"collection_name": "v1", "alias_name": "b"}}, {"delete_alias": {"alias_name": "zzz"}}]}
            """, "Alias `zzz` doesn't exist!");
        Assert.Single((await server.OkAsync("GET", "/collections/aliases")).GetProperty("aliases").EnumerateArray());

        await server.ErrorAsync(HttpStatusCode.NotFound, "POST", "/collections/aliases",
            """{"actions": [{"create_alias": {"collection_name": "nope", "alias_name": "b"}}]}""", "Collection `nope` doesn't exist!");
        await server.ErrorAsync(HttpStatusCode.Conflict, "POST", "/collections/aliases",
            """{"actions": [{"create_alias": {"collection_name": "v1", "alias_name": "v1"}}]}""", "is the name of a collection");
        await server.ErrorAsync(HttpStatusCode.Conflict, "PUT", "/collections/a", Create2, "is already an alias");
        await server.ErrorAsync(HttpStatusCode.BadRequest, "POST", "/collections/aliases", """{"actions": [{"make_alias": {}}]}""",
            "actions[0]: expected create_alias, delete_alias or rename_alias");
        await server.ErrorAsync(HttpStatusCode.BadRequest, "POST", "/collections/aliases", """{"actions": [{"create_alias": {"alias_name": "q"}}]}""",
            "actions[0].create_alias.collection_name: missing field");
        await server.ErrorAsync(HttpStatusCode.NotFound, "GET", "/collections/nope/aliases", null, "nope");

        // Deleting the collection deletes its aliases.
        await server.OkAsync("DELETE", "/collections/v1");
        Assert.Empty((await server.OkAsync("GET", "/collections/aliases")).GetProperty("aliases").EnumerateArray());
    }
}
