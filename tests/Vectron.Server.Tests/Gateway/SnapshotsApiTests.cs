using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Vectron.Server.Node;
using Vectron.Server.Placement;

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

    [Fact]
    public async Task Recover_FailingMidway_LeavesTheCollectionExactlyAsItWas_ASuccessfulOneReplacesIt_AndRestartsAgree()
    {
        await using var server = await TestServer.StartAsync();
        await server.OkAsync("PUT", "/collections/c", """{"vectors": {"size": 2, "distance": "Euclid"}, "shard_number": 3}""");
        await server.OkAsync("PUT", "/collections/c/index", """{"field_name": "k", "field_schema": "integer"}""");
        await server.OkAsync("POST", "/collections/aliases", """{"actions": [{"create_alias": {"collection_name": "c", "alias_name": "a"}}]}""");
        var points = string.Join(",", Enumerable.Range(1, 60).Select(i => "{\"id\": " + i + ", \"vector\": [" + i + ", 1], \"payload\": {\"k\": " + i + "}}"));
        await server.OkAsync("PUT", "/collections/c/points?wait=true", "{\"points\": [" + points + "]}");
        var created = await server.OkAsync("POST", "/collections/c/snapshots");
        using var download = await server.Client.GetAsync($"/collections/c/snapshots/{created.GetProperty("name").GetString()}");
        byte[] file = await download.Content.ReadAsByteArrayAsync();

        // The collection moves on after the snapshot.
        await server.OkAsync("POST", "/collections/c/points/delete?wait=true", """{"points": [1, 2, 3]}""");
        await server.OkAsync("PUT", "/collections/c/points?wait=true", """{"points": [{"id": 100, "vector": [0, 0], "payload": {"k": -1}}]}""");
        string before = await StateAsync(server);
        var groupsBefore = server.Node.Placement.Current.Collections["c"].ShardGroups;

        // Shards 0 and 1 are intact, shard 2's own snapshot is damaged inside a well-framed section:
        // the file passes the up-front checks and the recovery fails after upserting two shards' points.
        byte[] damaged = DamageLastShard(file);
        string error = await UploadAsync(server, damaged, HttpStatusCode.BadRequest);
        Assert.Contains("shard 2", error, StringComparison.Ordinal);
        Assert.Contains("unchanged", error, StringComparison.Ordinal);
        Assert.Equal(before, await StateAsync(server));
        Assert.Equal(groupsBefore, server.Node.Placement.Current.Collections["c"].ShardGroups);
        Assert.DoesNotContain(server.Node.Placement.Current.Collections.Keys, PlacementState.IsHidden);

        await server.RestartAsync();
        Assert.Equal(before, await StateAsync(server));

        // A successful recovery replaces the collection (the alias follows the name) and retires the old groups.
        await UploadAsync(server, file, HttpStatusCode.OK);
        string recovered = await StateAsync(server);
        Assert.NotEqual(before, recovered);
        Assert.Equal(60, (await server.OkAsync("POST", "/collections/a/points/count", "{}")).GetProperty("count").GetInt64());
        await server.ErrorAsync(HttpStatusCode.NotFound, "GET", "/collections/c/points/100", null, "No point with id 100");
        var state = server.Node.Placement.Current;
        Assert.DoesNotContain(state.Collections.Keys, PlacementState.IsHidden);
        Assert.All(groupsBefore, group => Assert.Contains(group, state.RetiredGroups));
        Assert.All(groupsBefore, group => Assert.Null(server.Node.Shard(group)));
        Assert.Equal(60, (await server.OkAsync("GET", "/collections/c")).GetProperty("payload_schema").GetProperty("k").GetProperty("points").GetInt64());

        await server.RestartAsync();
        Assert.Equal(recovered, await StateAsync(server));
        var hit = await server.OkAsync("POST", "/collections/c/points/search", """{"vector": [2.1, 1], "limit": 1}""");
        Assert.Equal(2, hit[0].GetProperty("id").GetInt32());
    }

    [Fact]
    public async Task ARecoveryInterruptedByACrash_IsRemovedAtStart_AndTheCollectionIsUnchanged()
    {
        await using var server = await TestServer.StartAsync();
        await server.OkAsync("PUT", "/collections/c", """{"vectors": {"size": 2, "distance": "Dot"}, "shard_number": 2}""");
        await server.OkAsync("PUT", "/collections/c/points?wait=true", """{"points": [{"id": 1, "vector": [1, 0]}, {"id": 2, "vector": [0, 1]}]}""");
        string before = await StateAsync(server);
        // What a recovery leaves when the process dies before its switch: a hidden collection with some points.
        string hidden = PlacementState.HiddenPrefix + "0123456789abcdef:c";
        var (raft, outcome) = await server.Node.ProposePlacementAsync(
            new CreateCollectionCommand(hidden, new CollectionConfig(2, VectorDistance.Dot, 2, HnswSettings.Default, null)), CancellationToken.None);
        Assert.Equal(Raft.Hosting.RaftOutcome.Ok, raft);
        Assert.True(outcome.IsOk, outcome.Message);
        var hiddenGroups = server.Node.Placement.Current.Collections[hidden].ShardGroups;
        var write = await server.Node.ProposeAsync(hiddenGroups[0], Vectron.Server.Worker.ShardCommandCodec.Encode(new Vectron.Server.Worker.UpsertPoints(
            [new Vectron.Server.Worker.PointWrite(Vectron.Server.Model.PointId.FromNumber(9), [1, 1], null)])), CancellationToken.None);
        Assert.True(write.IsOk);
        // Hidden collections are not visible through the API.
        await server.ErrorAsync(HttpStatusCode.NotFound, "GET", "/collections/" + Uri.EscapeDataString(hidden), null, "doesn't exist");
        Assert.Single((await server.OkAsync("GET", "/collections")).GetProperty("collections").EnumerateArray());
        await server.ErrorAsync(HttpStatusCode.NotFound, "POST", "/collections/aliases",
            $$$"""{"actions": [{"create_alias": {"collection_name": "{{{hidden}}}", "alias_name": "x"}}]}""", "doesn't exist");

        await server.RestartAsync();
        var state = server.Node.Placement.Current;
        Assert.Equal(["c"], state.Collections.Keys);
        Assert.All(hiddenGroups, group => Assert.Contains(group, state.RetiredGroups));
        Assert.All(hiddenGroups, group => Assert.Null(server.Node.Shard(group)));
        Assert.Equal(before, await StateAsync(server));
    }

    /// <summary>Every point of collection c (id order, payload and vector), its count and config, as one string.</summary>
    private static async Task<string> StateAsync(TestServer server)
    {
        var scroll = await server.OkAsync("POST", "/collections/c/points/scroll", """{"limit": 1000, "with_payload": true, "with_vector": true}""");
        var count = await server.OkAsync("POST", "/collections/c/points/count", "{}");
        var info = await server.OkAsync("GET", "/collections/c");
        return scroll.GetRawText() + count.GetRawText() + info.GetProperty("config").GetRawText() + info.GetProperty("payload_schema").GetRawText()
            + string.Join(",", (await server.OkAsync("GET", "/collections")).GetProperty("collections").EnumerateArray().Select(c => c.GetProperty("name").GetString()));
    }

    private static byte[] DamageLastShard(byte[] file)
    {
        using var input = new MemoryStream(file);
        var header = CollectionSnapshotFile.ReadHeader(input);
        var shards = Enumerable.Range(0, header.ShardCount).Select(i => CollectionSnapshotFile.ReadShard(input, i)).ToList();
        shards[^1][^10] ^= 0x40;
        using var output = new MemoryStream();
        CollectionSnapshotFile.WriteHeader(output, header);
        foreach (byte[] shard in shards)
        {
            CollectionSnapshotFile.WriteShard(output, shard);
        }
        return output.ToArray();
    }

    private static async Task<string> UploadAsync(TestServer server, byte[] bytes, HttpStatusCode expected)
    {
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var response = await server.Client.PostAsync("/collections/c/snapshots/upload?wait=true", content);
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, text);
        return text;
    }
}
