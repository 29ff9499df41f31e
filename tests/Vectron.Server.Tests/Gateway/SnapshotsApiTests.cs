using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;

namespace Vectron.Server.Tests.Gateway;

public sealed class SnapshotsApiTests
{
    [Fact]
    public async Task Snapshot_Create_List_Download_Recover_Delete()
    {
        await using var server = await TestServer.StartAsync();
        await server.OkAsync("PUT", "/collections/c", """{"vectors": {"size": 2, "distance": "Euclid"}, "shard_number": 3}""");
        await server.OkAsync("PUT", "/collections/c/index", """{"field_name": "k", "field_schema": "integer"}""");
        var points = string.Join(",", Enumerable.Range(1, 60).Select(i => "{\"id\": " + i + ", \"vector\": [" + i + ", 1], \"payload\": {\"k\": " + i + "}}"));
        await server.OkAsync("PUT", "/collections/c/points?wait=true", "{\"points\": [" + points + "]}");

        var created = await server.OkAsync("POST", "/collections/c/snapshots");
        string name = created.GetProperty("name").GetString()!;
        Assert.StartsWith("c-", name, StringComparison.Ordinal);
        Assert.EndsWith(".snapshot", name, StringComparison.Ordinal);
        var listed = Assert.Single((await server.OkAsync("GET", "/collections/c/snapshots")).EnumerateArray());
        Assert.Equal(name, listed.GetProperty("name").GetString());
        Assert.Equal(created.GetProperty("size").GetInt64(), listed.GetProperty("size").GetInt64());

        using var download = await server.Client.GetAsync($"/collections/c/snapshots/{name}");
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        byte[] file = await download.Content.ReadAsByteArrayAsync();
        Assert.Equal(created.GetProperty("size").GetInt64(), file.Length);
        Assert.Equal(created.GetProperty("checksum").GetString(), Convert.ToHexStringLower(SHA256.HashData(file)));

        // Change the collection after the snapshot; recovering brings the snapshot's state back.
        await server.OkAsync("POST", "/collections/c/points/delete?wait=true", """{"points": [1, 2, 3]}""");
        await server.OkAsync("PUT", "/collections/c/points?wait=true", """{"points": [{"id": 100, "vector": [0, 0]}]}""");
        using (var form = new MultipartFormDataContent())
        {
            var part = new ByteArrayContent(file);
            part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            form.Add(part, "snapshot", name);
            using var upload = await server.Client.PostAsync("/collections/c/snapshots/upload?wait=true", form);
            Assert.True(upload.IsSuccessStatusCode, await upload.Content.ReadAsStringAsync());
        }
        Assert.Equal(60, (await server.OkAsync("POST", "/collections/c/points/count", "{}")).GetProperty("count").GetInt64());
        await server.ErrorAsync(HttpStatusCode.NotFound, "GET", "/collections/c/points/100", null, "No point with id 100");
        Assert.Equal(2, (await server.OkAsync("GET", "/collections/c/points/2")).GetProperty("payload").GetProperty("k").GetInt32());
        var info = await server.OkAsync("GET", "/collections/c");
        Assert.Equal(3, info.GetProperty("config").GetProperty("params").GetProperty("shard_number").GetInt32());
        Assert.Equal(60, info.GetProperty("payload_schema").GetProperty("k").GetProperty("points").GetInt64());
        var hit = await server.OkAsync("POST", "/collections/c/points/search", """{"vector": [30.2, 1], "limit": 1}""");
        Assert.Equal(30, hit[0].GetProperty("id").GetInt32());

        // A raw body into a new collection name works too; so does recovery by a stored snapshot's name.
        using (var raw = new ByteArrayContent(file))
        {
            raw.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            using var upload = await server.Client.PostAsync("/collections/copy/snapshots/upload", raw);
            Assert.True(upload.IsSuccessStatusCode, await upload.Content.ReadAsStringAsync());
        }
        Assert.Equal(60, (await server.OkAsync("POST", "/collections/copy/points/count", "{}")).GetProperty("count").GetInt64());
        await server.OkAsync("POST", "/collections/c/points/delete?wait=true", """{"points": [5]}""");
        await server.OkAsync("PUT", "/collections/c/snapshots/recover", $"{{\"location\": \"{name}\"}}");
        Assert.Equal(60, (await server.OkAsync("POST", "/collections/c/points/count", "{}")).GetProperty("count").GetInt64());

        await server.OkAsync("DELETE", $"/collections/c/snapshots/{name}");
        Assert.Empty((await server.OkAsync("GET", "/collections/c/snapshots")).EnumerateArray());
        await server.ErrorAsync(HttpStatusCode.NotFound, "GET", $"/collections/c/snapshots/{name}", null, "doesn't exist");
        await server.ErrorAsync(HttpStatusCode.BadRequest, "DELETE", "/collections/c/snapshots/..%2Fx.snapshot", null, "is not a snapshot name");
        await server.ErrorAsync(HttpStatusCode.NotFound, "POST", "/collections/nope/snapshots", null, "nope");
    }

    [Fact]
    public async Task Recover_FromADamagedFile_IsABadRequest_AndChangesNothing()
    {
        await using var server = await TestServer.StartAsync();
        await server.OkAsync("PUT", "/collections/c", """{"vectors": {"size": 2, "distance": "Cosine"}, "shard_number": 2}""");
        await server.OkAsync("PUT", "/collections/c/points?wait=true", """{"points": [{"id": 1, "vector": [1, 0]}, {"id": 2, "vector": [0, 1]}]}""");
        var created = await server.OkAsync("POST", "/collections/c/snapshots");
        using var download = await server.Client.GetAsync($"/collections/c/snapshots/{created.GetProperty("name").GetString()}");
        byte[] file = await download.Content.ReadAsByteArrayAsync();
        await server.OkAsync("PUT", "/collections/c/points?wait=true", """{"points": [{"id": 3, "vector": [1, 1]}]}""");

        byte[] flipped = (byte[])file.Clone();
        flipped[^10] ^= 0x40;
        foreach (var (bytes, fragment) in (List<(byte[], string)>)[(flipped, "checksum mismatch"), (file[..^7], "truncated"), ("garbage"u8.ToArray(), "bad magic")])
        {
            using var content = new ByteArrayContent(bytes);
            using var response = await server.Client.PostAsync("/collections/c/snapshots/upload", content);
            string text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, text);
            Assert.Contains(fragment, text, StringComparison.Ordinal);
        }
        Assert.Equal(3, (await server.OkAsync("POST", "/collections/c/points/count", "{}")).GetProperty("count").GetInt64());
    }
}
