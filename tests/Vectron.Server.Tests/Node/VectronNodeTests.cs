using System.Globalization;
using Vectron.Server.Consensus;
using Vectron.Server.Node;
using Vectron.Server.Tests.Gateway;
using Vectron.Storage.Files;
using Vectron.Storage.Log;

namespace Vectron.Server.Tests.Node;

public sealed class VectronNodeTests
{
    [Fact]
    public async Task Restart_KeepsCollectionsAliasesIndexesAndPoints_FromSnapshotsAndLogReplay()
    {
        // Snapshots every 5 applied commands: the restart restores snapshots and replays the log after them.
        await using var server = await TestServer.StartAsync(snapshotEvery: 5);
        await server.OkAsync("PUT", "/collections/c", """{"vectors": {"size": 2, "distance": "Euclid"}, "shard_number": 2}""");
        await server.OkAsync("POST", "/collections/aliases", """{"actions": [{"create_alias": {"collection_name": "c", "alias_name": "a"}}]}""");
        await server.OkAsync("PUT", "/collections/c/index", """{"field_name": "k", "field_schema": "integer"}""");
        for (int batch = 0; batch < 12; batch++)
        {
            var points = string.Join(",", Enumerable.Range(batch * 10, 10).Select(i =>
                string.Create(CultureInfo.InvariantCulture, $"{{\"id\": {i}, \"vector\": [{i}, 0], \"payload\": {{\"k\": {i}}}}}")));
            await server.OkAsync("PUT", "/collections/c/points?wait=true", $"{{\"points\": [{points}]}}");
        }
        await server.OkAsync("POST", "/collections/c/points/delete?wait=true", """{"points": [0, 1]}""");
        await server.OkAsync("POST", "/collections/c/points/payload?wait=true", """{"payload": {"late": true}, "points": [119]}""");
        // An update reaches every shard through its log (ReconfigureIndex); the shards restart with the
        // new parameters from their snapshots (taken every 5 commands) and the log after them.
        await server.OkAsync("PATCH", "/collections/c", """{"hnsw_config": {"m": 4}, "quantization_config": {"scalar": {"type": "int8"}}}""");

        await server.RestartAsync(() =>
        {
            var snapshots = FileRaftSnapshotStore.Open(PhysicalFileSystem.Instance, Path.Join(server.DataDirectory, "snapshots"));
            Assert.NotEmpty(snapshots.HeldIndexes(16));
            return Task.CompletedTask;
        });

        Assert.Equal(118, (await server.OkAsync("POST", "/collections/a/points/count", "{}")).GetProperty("count").GetInt64());
        Assert.True((await server.OkAsync("GET", "/collections/c/points/119")).GetProperty("payload").GetProperty("late").GetBoolean());
        var hit = await server.OkAsync("POST", "/collections/c/points/search", """{"vector": [57.2, 0], "limit": 1, "with_payload": true}""");
        Assert.Equal(57, hit[0].GetProperty("id").GetInt32());
        var info = await server.OkAsync("GET", "/collections/c");
        Assert.Equal("integer", info.GetProperty("payload_schema").GetProperty("k").GetProperty("data_type").GetString());
        Assert.Equal(4, info.GetProperty("config").GetProperty("hnsw_config").GetProperty("m").GetInt32());
        foreach (ulong group in server.Node.Placement.Current.Collections["c"].ShardGroups)
        {
            var shard = Assert.IsType<Vectron.Server.Worker.ShardStateMachine>(server.Node.Shard(group)!.Machine);
            // The graph with the new settings, being built beside the old one or already serving.
            var graph = shard.RebuildProgress?.Options ?? shard.GraphOptions;
            Assert.Equal(4, graph.M);
            Assert.Equal(Vectron.Index.QuantizationKind.Int8, graph.Quantization);
        }
        await server.ErrorAsync(System.Net.HttpStatusCode.NotFound, "GET", "/collections/c/points/0", null, "No point with id 0");

        // The node keeps serving writes after the restart.
        await server.OkAsync("PUT", "/collections/a/points?wait=true", """{"points": [{"id": 500, "vector": [500, 0]}]}""");
        Assert.Equal(119, (await server.OkAsync("POST", "/collections/c/points/count", "{}")).GetProperty("count").GetInt64());
    }

    [Fact]
    public async Task DeleteCollection_StopsItsShardGroups_AndRemovesTheirLogAndSnapshots()
    {
        await using var server = await TestServer.StartAsync(snapshotEvery: 3);
        await server.OkAsync("PUT", "/collections/gone", """{"vectors": {"size": 2, "distance": "Cosine"}, "shard_number": 2}""");
        await server.OkAsync("PUT", "/collections/kept", """{"vectors": {"size": 2, "distance": "Cosine"}, "shard_number": 1}""");
        for (int i = 0; i < 8; i++)
        {
            await server.OkAsync("PUT", "/collections/gone/points?wait=true", $"{{\"points\": [{{\"id\": {i}, \"vector\": [1, {i}]}}]}}");
        }
        await server.OkAsync("PUT", "/collections/kept/points?wait=true", """{"points": [{"id": 1, "vector": [1, 1]}]}""");
        ulong[] groups = [.. server.Node.Placement.Current.Collections["gone"].ShardGroups];
        Assert.All(groups, group => Assert.NotNull(server.Node.Shard(group)));
        var snapshots = FileRaftSnapshotStore.Open(PhysicalFileSystem.Instance, Path.Join(server.DataDirectory, "snapshots"));
        Assert.All(groups, group => Assert.NotEmpty(snapshots.HeldIndexes(group)));

        await server.OkAsync("DELETE", "/collections/gone");

        // Stopped at once (not only at the next start), its snapshot files gone.
        foreach (ulong group in groups)
        {
            Assert.Null(server.Node.Shard(group));
            Assert.Null(await server.Node.GroupStatusAsync(group, CancellationToken.None));
        }
        snapshots = FileRaftSnapshotStore.Open(PhysicalFileSystem.Instance, Path.Join(server.DataDirectory, "snapshots"));
        Assert.All(groups, group => Assert.Empty(snapshots.HeldIndexes(group)));
        foreach (ulong group in groups)
        {
            var info = server.Node.Log.GetGroup(group);
            Assert.True(info is null || info.Value.FirstIndex > info.Value.LastIndex, $"group {group} still holds entries {info?.FirstIndex}..{info?.LastIndex}");
        }
        Assert.Equal(1, (await server.OkAsync("POST", "/collections/kept/points/count", "{}")).GetProperty("count").GetInt64());

        await server.RestartAsync(async () =>
        {
            await using var engine = LogEngine.Open(new LogEngineOptions { Directory = Path.Join(server.DataDirectory, "log"), PreallocateSegments = false });
            foreach (ulong group in groups)
            {
                var info = engine.GetGroup(group);
                Assert.True(info is null || info.Value.FirstIndex > info.Value.LastIndex, $"group {group} still holds entries {info?.FirstIndex}..{info?.LastIndex}");
            }
        });

        Assert.False((await server.OkAsync("GET", "/collections/gone/exists")).GetProperty("exists").GetBoolean());
        await server.OkAsync("PUT", "/collections/gone", """{"vectors": {"size": 2, "distance": "Cosine"}, "shard_number": 2}""");
        var fresh = server.Node.Placement.Current.Collections["gone"].ShardGroups;
        Assert.DoesNotContain(fresh, groups.Contains);
        Assert.Equal(0, (await server.OkAsync("POST", "/collections/gone/points/count", "{}")).GetProperty("count").GetInt64());
    }

    [Fact]
    public async Task ASecondNode_CannotOpenALockedDataDirectory()
    {
        await using var server = await TestServer.StartAsync();
        var error = await Assert.ThrowsAsync<IOException>(() =>
            VectronNode.StartAsync(new NodeOptions { DataDirectory = server.DataDirectory }, ShardFactory.Create(null)));
        Assert.Contains("in use by another Vectron server", error.Message, StringComparison.Ordinal);
    }
}
