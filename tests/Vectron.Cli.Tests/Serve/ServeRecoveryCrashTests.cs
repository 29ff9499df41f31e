using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Vectron.Server.Placement;
using Vectron.Storage.Log;
using Xunit.Abstractions;
using static Vectron.Cli.Tests.Serve.ServeRest;

namespace Vectron.Cli.Tests.Serve;

/// <summary>
/// <c>vectron serve</c> killed with SIGKILL while it recovers a collection from a snapshot (uploaded,
/// or by location): each round snapshots the collection, changes it (deletes, new points, new
/// vectors and payloads, all acknowledged), starts a recovery and kills the server at a moment chosen
/// from the seed (before, while or after the hidden collection fills). After each restart the
/// collection is exactly its state before the recovery or exactly the snapshot's (the snapshot's
/// when the recovery was acknowledged), never a mix; its shard groups are the old ones or the hidden
/// collection's accordingly; no hidden collection is visible; a hidden collection left by the kill
/// is removed at start; no upload is left on disk. At the end, after a clean stop, no group but the
/// placement group and the collection's shards has log entries or snapshot files. The seed comes
/// from VECTRON_RECOVERY_CRASH_SEED (else random) and is in every failure message.
/// </summary>
public sealed partial class ServeRecoveryCrashTests(ITestOutputHelper output)
{
    private const int Dimension = 8;
    private const int Kills = 10;
    private const int InitialPoints = 3000;

    [Fact]
    public Task SnapshotRecovery_UnderSigkills_IsAllOrNothing() => WithSeedAsync("VECTRON_RECOVERY_CRASH_SEED", RunAsync);

    private async Task RunAsync(int seed)
    {
        var random = new Random(seed);
        using var directory = new TempDirectory();
        var current = new Dictionary<long, Model>();
        Dictionary<long, Model>? snapshot = null;
        ulong[] groupsBefore = [];
        List<(string Name, ulong[] Groups)> hidden = [];
        bool acknowledged = false;
        long nextId = 1;
        int recovered = 0, kept = 0;
        string[] lastOutput = [];
        for (int round = 0; round <= Kills; round++)
        {
            string context = $"seed {seed}, round {round}";
            // Raft snapshots of the shards (and the placement group) every few entries in some rounds, so restarts load them mid-operation.
            string[] arguments = ["--log-level", "information", "--snapshot-every", ((int[])[5, 20, 100, 10_000])[random.Next(4)].ToString(CultureInfo.InvariantCulture)];
            bool killedWhileStarting = round > 0 && random.Next(3) == 0;
            if (killedWhileStarting)
            {
                int startKill = random.Next(0, 800);
                await KillWhileStartingAsync(directory.Path, startKill, arguments);
                output.WriteLine($"round {round}: killed {startKill} ms into a start");
            }
            using var server = await ServeProcess.StartAsync(directory.Path, arguments);
            using var client = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

            if (round == 0)
            {
                await ResultAsync(client.PutAsync("collections/d", Json($"{{\"vectors\": {{\"size\": {Dimension}, \"distance\": \"Euclid\"}}, \"shard_number\": 2}}")), context);
                await UpsertAsync(client, Enumerable.Range(0, InitialPoints).Select(_ => (nextId++, new Model(RandomVector(random), 0))).ToList(), current, context);
            }
            else
            {
                var observed = await ScrollAllAsync(client, "d", withVector: true, context);
                bool isOld = Same(observed, current);
                bool isSnapshot = Same(observed, snapshot!);
                Assert.True(isOld || isSnapshot, $"{context}: the collection is neither its state before the recovery nor the snapshot's: {Difference(observed, current, "old")}; {Difference(observed, snapshot!, "snapshot")}\n{string.Join('\n', lastOutput.TakeLast(30))}");
                Assert.True(isSnapshot || !acknowledged, $"{context}: the recovery was acknowledged, but the collection is its old state");
                var groups = await ShardGroupsAsync(client, "d", context);
                if (isSnapshot)
                {
                    recovered++;
                    current = snapshot!;
                    // The hidden collection's groups (its log lines may be lost with the kill: the console logger writes on its own thread).
                    Assert.True(!groups.Intersect(groupsBefore).Any() && (hidden.Count == 0 || (hidden.Count == 1 && groups.SequenceEqual(hidden[0].Groups))),
                        $"{context}: recovered, but the shard groups are [{string.Join(",", groups)}], were [{string.Join(",", groupsBefore)}], the hidden collections were {string.Join(", ", hidden.Select(h => $"{h.Name} [{string.Join(",", h.Groups)}]"))}");
                }
                else
                {
                    kept++;
                    Assert.True(groups.SequenceEqual(groupsBefore), $"{context}: old state, but the shard groups are [{string.Join(",", groups)}], were [{string.Join(",", groupsBefore)}]");
                    // (A start killed midway may have removed it already, and its log lines die with it.)
                    foreach (var (name, _) in killedWhileStarting ? [] : hidden)
                    {
                        // Logged before the REST API starts (stdout and stderr may arrive in either order).
                        var removed = server.WaitForOutputAsync($"Removed {name}, left by a snapshot recovery");
                        Assert.True(await Task.WhenAny(removed, Task.Delay(10_000)) == removed, $"{context}: {name} was not removed at start:\n{server.Output}");
                    }
                }
                await VerifyHiddenInvisibleAsync(client, hidden.Select(h => h.Name), context);
                await WaitIndexedAsync(client, "d", context);
                string uploads = Path.Join(directory.Path, "collection-snapshots", ".uploads");
                Assert.True(!Directory.Exists(uploads) || Directory.GetFileSystemEntries(uploads).Length == 0,
                    $"{context}: uploads left on disk: {string.Join(", ", Directory.Exists(uploads) ? Directory.GetFileSystemEntries(uploads) : Array.Empty<string>())}");
                foreach (long id in current.Keys.OrderBy(_ => random.Next()).Take(10).ToArray())
                {
                    var hits = await ResultAsync(client.PostAsync("collections/d/points/search",
                        Json($"{{\"vector\": {Vector(current[id].Vector)}, \"limit\": 3, \"params\": {{\"exact\": true}}}}")), context);
                    Assert.True(hits.EnumerateArray().Any(hit => hit.GetProperty("id").GetInt64() == id), $"{context}: point {id} not found by search: {hits}");
                }
            }

            if (round == Kills)
            {
                var liveGroups = await ShardGroupsAsync(client, "d", context);
                Assert.Equal(0, await server.TerminateAsync());
                Assert.Contains("stopped cleanly", server.Output, StringComparison.Ordinal);
                VerifyNoDataOutside(directory.Path, [PlacementState.PlacementGroupId, .. liveGroups], $"seed {seed}, after the clean stop");
                break;
            }

            // A snapshot of the current state, then changes the recovery must undo.
            var description = await ResultAsync(client.PostAsync("collections/d/snapshots", null), context);
            string snapshotName = description.GetProperty("name").GetString()!;
            snapshot = new Dictionary<long, Model>(current);
            await ChangeAsync(client, current, random, round, () => nextId++, context);
            groupsBefore = await ShardGroupsAsync(client, "d", context);

            bool upload = random.Next(2) == 0;
            HttpContent content = upload
                ? new ByteArrayContent(await client.GetByteArrayAsync($"collections/d/snapshots/{snapshotName}"))
                : Json($"{{\"location\": \"{snapshotName}\"}}");
            int mode = random.Next(20);
            int delay = random.Next(0, mode < 5 ? 40 : mode < 16 ? 500 : 30);
            var recovery = upload ? client.PostAsync("collections/d/snapshots/upload", content) : client.PutAsync("collections/d/snapshots/recover", content);
            if (mode < 5)
            {
                await Task.WhenAny(recovery, Task.Delay(delay)); // around the start
            }
            else if (mode < 16)
            {
                // While the hidden collection fills.
                await Task.WhenAny(recovery, server.WaitForOutputAsync("Started shard 1 of collection :recovering:"));
                await Task.WhenAny(recovery, Task.Delay(delay));
            }
            else
            {
                await ResultAsync(recovery, context + ", recovery");
                await Task.Delay(delay); // right after the answer
            }
            server.Kill();
            acknowledged = false;
            try
            {
                using var response = await recovery;
                acknowledged = response.IsSuccessStatusCode;
                if (!acknowledged && (int)response.StatusCode < 500)
                {
                    Assert.Fail($"{context}: recovery refused: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                }
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
            {
            }
            content.Dispose();
            lastOutput = server.Output.Split('\n');
            hidden = HiddenShard().Matches(server.Output)
                .GroupBy(match => match.Groups[2].Value)
                .Select(shards => (shards.Key, shards.OrderBy(match => int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture))
                    .Select(match => ulong.Parse(match.Groups[3].Value, CultureInfo.InvariantCulture)).ToArray()))
                .ToList();
            output.WriteLine($"round {round}: {(upload ? "upload" : "by location")}, kill mode {(mode < 5 ? "start" : mode < 16 ? "filling" : "answered")} +{delay} ms, acknowledged {acknowledged}, hidden {string.Join(", ", hidden.Select(h => h.Name))}");
        }
        output.WriteLine($"seed {seed}: {Kills} SIGKILLs during recoveries: {recovered} recovered, {kept} kept the old state");
    }

    /// <summary>Deletes some points, adds new ones, gives some new vectors and some a new payload; every call acknowledged.</summary>
    private static async Task ChangeAsync(HttpClient client, Dictionary<long, Model> current, Random random, int round, Func<long> newId, string context)
    {
        var ids = current.Keys.OrderBy(_ => random.Next()).ToArray();
        var deleted = ids.Take(random.Next(20, 60)).ToArray();
        await ResultAsync(client.PostAsync("collections/d/points/delete?wait=true", Json($"{{\"points\": [{string.Join(",", deleted)}]}}")), context);
        foreach (long id in deleted)
        {
            current.Remove(id);
        }
        var rewritten = ids.Skip(deleted.Length).Take(random.Next(5, 20)).Select(id => (id, new Model(RandomVector(random), round + 1)));
        var added = Enumerable.Range(0, random.Next(50, 150)).Select(_ => (newId(), new Model(RandomVector(random), round + 1)));
        await UpsertAsync(client, rewritten.Concat(added).ToList(), current, context);
        var relabelled = ids.Skip(deleted.Length + 20).Take(random.Next(10, 40)).ToArray();
        await ResultAsync(client.PostAsync("collections/d/points/payload?wait=true",
            Json($"{{\"payload\": {{\"gen\": {round + 100}}}, \"points\": [{string.Join(",", relabelled)}]}}")), context);
        foreach (long id in relabelled)
        {
            current[id] = current[id] with { Gen = round + 100 };
        }
    }

    private static async Task UpsertAsync(HttpClient client, List<(long Id, Model Point)> points, Dictionary<long, Model> current, string context)
    {
        foreach (var batch in points.Chunk(500))
        {
            string body = "{\"points\": [" + string.Join(",", batch.Select(p =>
                string.Create(CultureInfo.InvariantCulture, $"{{\"id\": {p.Id}, \"vector\": {Vector(p.Point.Vector)}, \"payload\": {{\"id\": {p.Id}, \"gen\": {p.Point.Gen}}}}}"))) + "]}";
            await ResultAsync(client.PutAsync("collections/d/points?wait=true", Json(body)), context);
            foreach (var (id, point) in batch)
            {
                current[id] = point;
            }
        }
    }

    private static bool Same(Dictionary<long, StoredPoint> observed, Dictionary<long, Model> model) =>
        observed.Count == model.Count && model.All(entry => observed.TryGetValue(entry.Key, out var point) && Matches(entry.Key, point, entry.Value));

    private static bool Matches(long id, StoredPoint point, Model model) =>
        point.Vector!.SequenceEqual(model.Vector) && point.Payload.GetProperty("id").GetInt64() == id && point.Payload.GetProperty("gen").GetInt32() == model.Gen;

    private static string Difference(Dictionary<long, StoredPoint> observed, Dictionary<long, Model> model, string what)
    {
        var missing = model.Keys.Where(id => !observed.ContainsKey(id)).ToArray();
        var extra = observed.Keys.Where(id => !model.ContainsKey(id)).ToArray();
        var changed = model.Keys.Where(id => observed.TryGetValue(id, out var point) && !Matches(id, point, model[id])).ToArray();
        return $"vs the {what} state ({model.Count} points): {missing.Length} missing (e.g. {string.Join(",", missing.Take(5))}), {extra.Length} extra (e.g. {string.Join(",", extra.Take(5))}), {changed.Length} different (e.g. {string.Join(",", changed.Take(5))})";
    }

    private static async Task<ulong[]> ShardGroupsAsync(HttpClient client, string collection, string context)
    {
        var cluster = await ResultAsync(client.GetAsync($"collections/{collection}/cluster"), context);
        return cluster.GetProperty("local_shards").EnumerateArray().Select(shard => shard.GetProperty("raft_group").GetUInt64()).ToArray();
    }

    private static async Task VerifyHiddenInvisibleAsync(HttpClient client, IEnumerable<string> names, string context)
    {
        var list = await ResultAsync(client.GetAsync("collections"), context);
        var listed = list.GetProperty("collections").EnumerateArray().Select(c => c.GetProperty("name").GetString()).ToArray();
        Assert.True(listed.SequenceEqual(["d"]), $"{context}: collections listed: {string.Join(", ", listed)}");
        foreach (string name in names)
        {
            string escaped = Uri.EscapeDataString(name);
            Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(client.GetAsync($"collections/{escaped}")));
            Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(client.PostAsync($"collections/{escaped}/points/count", Json("{}"))));
            var exists = await ResultAsync(client.GetAsync($"collections/{escaped}/exists"), context);
            Assert.False(exists.GetProperty("exists").GetBoolean(), $"{context}: {name} exists");
        }
    }

    /// <summary>
    /// With the server stopped: no group outside <paramref name="live"/> has log entries (its own or its
    /// Raft metadata group's) or snapshot files.
    /// </summary>
    private static void VerifyNoDataOutside(string data, ulong[] live, string context)
    {
        const ulong MetadataGroupBit = 1UL << 63; // LogEngineRaftLogStore.MetadataGroupBit
        using (var engine = LogEngine.Open(new LogEngineOptions { Directory = Path.Join(data, "log") }))
        {
            // The live groups are there (so the log is really read).
            Assert.True(live.All(engine.GroupIds.Contains), $"{context}: the log holds groups [{string.Join(",", engine.GroupIds)}], not every live one of [{string.Join(",", live)}]");
            foreach (ulong group in engine.GroupIds)
            {
                if (!live.Contains(group & ~MetadataGroupBit) && engine.GetGroup(group) is { } info)
                {
                    Assert.True(info.LastIndex < info.FirstIndex, $"{context}: log group {group & ~MetadataGroupBit}{((group & MetadataGroupBit) != 0 ? " (Raft metadata)" : "")} of no live collection still has entries {info.FirstIndex}..{info.LastIndex}");
                }
            }
        }
        string snapshots = Path.Join(data, "snapshots");
        foreach (string groupDirectory in Directory.Exists(snapshots) ? Directory.GetDirectories(snapshots) : Array.Empty<string>())
        {
            ulong group = ulong.Parse(Path.GetFileName(groupDirectory), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            Assert.True(live.Contains(group) || Directory.GetFiles(groupDirectory).Length == 0,
                $"{context}: group {group} of no live collection still has snapshot files: {string.Join(", ", Directory.GetFiles(groupDirectory).Select(Path.GetFileName))}");
        }
    }

    private static float[] RandomVector(Random random) => Enumerable.Range(0, Dimension).Select(_ => (float)random.NextDouble() * 100).ToArray();

    [GeneratedRegex(@"Started shard (\d+) of collection (:recovering:[0-9a-f]+:d) \(group (\d+)\)")]
    private static partial Regex HiddenShard();

    private sealed record Model(float[] Vector, int Gen);
}
