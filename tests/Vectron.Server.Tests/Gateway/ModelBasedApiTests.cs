using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace Vectron.Server.Tests.Gateway;

/// <summary>
/// Random sequences of upserts, deletes (by ids and by filter), payload changes, exact searches,
/// counts, scrolls, gets and restarts through the real HTTP server, against an in-memory model;
/// every answer is compared with the model's. Euclidean distance over small integer coordinates
/// keeps scores exact, so rankings (ties by id) must match exactly. VECTRON_MODEL_SEED replays a seed.
/// </summary>
public sealed class ModelBasedApiTests(ITestOutputHelper output)
{
    private const int Dimension = 3;
    private const int IdSpace = 40;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task RandomOperations_MatchTheModel_AcrossRestarts(int run)
    {
        int seed = int.TryParse(Environment.GetEnvironmentVariable("VECTRON_MODEL_SEED"), out int fixedSeed) ? fixedSeed : 1000 + run;
        var random = new Random(seed);
        await using var server = await TestServer.StartAsync(snapshotEvery: 7);
        await server.OkAsync("PUT", "/collections/m", """{"vectors": {"size": 3, "distance": "Euclid"}, "shard_number": 3}""");
        var model = new SortedDictionary<long, (int[] Vector, JsonObject Payload)>();
        for (int step = 0; step < 160; step++)
        {
            string context = $"seed {seed}, step {step}";
            int choice = random.Next(100);
            try
            {
                if (choice < 30)
                {
                    await UpsertAsync(server, model, random);
                }
                else if (choice < 37)
                {
                    var ids = RandomIds(random, random.Next(1, 5));
                    await server.OkAsync("POST", "/collections/m/points/delete?wait=true", $"{{\"points\": [{string.Join(",", ids)}]}}");
                    foreach (long id in ids)
                    {
                        model.Remove(id);
                    }
                }
                else if (choice < 41)
                {
                    int g = random.Next(4);
                    await server.OkAsync("POST", "/collections/m/points/delete?wait=true", $"{{\"filter\": {{\"must\": [{{\"key\": \"g\", \"match\": {{\"value\": {g}}}}}]}}}}");
                    foreach (long id in model.Where(p => G(p.Value.Payload) == g).Select(p => p.Key).ToArray())
                    {
                        model.Remove(id);
                    }
                }
                else if (choice < 52)
                {
                    await ChangePayloadAsync(server, model, random);
                }
                else if (choice < 70)
                {
                    await CompareSearchAsync(server, model, random, context);
                }
                else if (choice < 78)
                {
                    int g = random.Next(4);
                    var count = await server.OkAsync("POST", "/collections/m/points/count", $"{{\"filter\": {{\"must\": [{{\"key\": \"g\", \"match\": {{\"value\": {g}}}}}]}}}}");
                    Assert.True(model.Count(p => G(p.Value.Payload) == g) == count.GetProperty("count").GetInt64(), $"{context}: count g={g}");
                }
                else if (choice < 86)
                {
                    await CompareScrollAsync(server, model, random.Next(1, 9), context);
                }
                else if (choice < 95)
                {
                    var ids = RandomIds(random, random.Next(1, 6));
                    var records = await server.OkAsync("POST", "/collections/m/points", $"{{\"ids\": [{string.Join(",", ids)}], \"with_vector\": true}}");
                    var expected = ids.Where(model.ContainsKey).ToArray();
                    var actual = records.EnumerateArray().ToArray();
                    Assert.True(expected.SequenceEqual(actual.Select(r => r.GetProperty("id").GetInt64())), $"{context}: get {string.Join(",", ids)} → {records}");
                    foreach (var record in actual)
                    {
                        var (vector, payload) = model[record.GetProperty("id").GetInt64()];
                        Assert.True(vector.Select(v => (float)v).SequenceEqual(record.GetProperty("vector").EnumerateArray().Select(v => v.GetSingle())), $"{context}: vector of {record}");
                        Assert.True(JsonNode.DeepEquals(payload, JsonNode.Parse(record.GetProperty("payload").GetRawText())), $"{context}: payload of {record} (model {payload.ToJsonString()})");
                    }
                }
                else
                {
                    await server.RestartAsync();
                    await CompareScrollAsync(server, model, 100, context + " after restart");
                }
            }
            catch (Exception e) when (e is not Xunit.Sdk.XunitException)
            {
                throw new InvalidOperationException($"{context}: {e.Message}", e);
            }
        }
        output.WriteLine($"seed {seed}: {model.Count} points at the end");
    }

    private static async Task UpsertAsync(TestServer server, SortedDictionary<long, (int[] Vector, JsonObject Payload)> model, Random random)
    {
        var ids = RandomIds(random, random.Next(1, 8));
        var body = new StringBuilder("{\"points\": [");
        var written = new List<(long, int[], JsonObject)>();
        foreach (long id in ids)
        {
            var vector = Enumerable.Range(0, Dimension).Select(_ => random.Next(-4, 5)).ToArray();
            var payload = new JsonObject { ["g"] = random.Next(4), ["n"] = random.Next(100) };
            if (random.Next(3) == 0)
            {
                payload["tag"] = "t" + random.Next(3).ToString(CultureInfo.InvariantCulture);
            }
            body.Append(written.Count == 0 ? "" : ",").Append(CultureInfo.InvariantCulture, $"{{\"id\": {id}, \"vector\": [{string.Join(",", vector)}], \"payload\": {payload.ToJsonString()}}}");
            written.Add((id, vector, payload));
        }
        body.Append("]}");
        await server.OkAsync("PUT", "/collections/m/points?wait=true", body.ToString());
        foreach (var (id, vector, payload) in written)
        {
            model[id] = (vector, payload);
        }
    }

    private static async Task ChangePayloadAsync(TestServer server, SortedDictionary<long, (int[] Vector, JsonObject Payload)> model, Random random)
    {
        // Only existing ids: a payload change of a missing id is a 404 (tested elsewhere).
        var existing = model.Keys.OrderBy(_ => random.Next()).Take(random.Next(1, 4)).ToArray();
        if (existing.Length == 0)
        {
            return;
        }
        string ids = string.Join(",", existing);
        switch (random.Next(4))
        {
            case 0:
                int n = random.Next(100);
                await server.OkAsync("POST", "/collections/m/points/payload?wait=true", $"{{\"payload\": {{\"n\": {n}, \"extra\": true}}, \"points\": [{ids}]}}");
                foreach (long id in existing)
                {
                    model[id].Payload["n"] = n;
                    model[id].Payload["extra"] = true;
                }
                break;
            case 1:
                int g = random.Next(4);
                await server.OkAsync("PUT", "/collections/m/points/payload?wait=true", $"{{\"payload\": {{\"g\": {g}}}, \"points\": [{ids}]}}");
                foreach (long id in existing)
                {
                    model[id] = (model[id].Vector, new JsonObject { ["g"] = g });
                }
                break;
            case 2:
                await server.OkAsync("POST", "/collections/m/points/payload/delete?wait=true", $"{{\"keys\": [\"n\", \"tag\"], \"points\": [{ids}]}}");
                foreach (long id in existing)
                {
                    model[id].Payload.Remove("n");
                    model[id].Payload.Remove("tag");
                }
                break;
            default:
                await server.OkAsync("POST", "/collections/m/points/payload/clear?wait=true", $"{{\"points\": [{ids}]}}");
                foreach (long id in existing)
                {
                    model[id] = (model[id].Vector, []);
                }
                break;
        }
    }

    private static async Task CompareSearchAsync(TestServer server, SortedDictionary<long, (int[] Vector, JsonObject Payload)> model, Random random, string context)
    {
        var query = Enumerable.Range(0, Dimension).Select(_ => random.Next(-4, 5)).ToArray();
        int limit = random.Next(1, 8), offset = random.Next(0, 4);
        int? g = random.Next(3) == 0 ? random.Next(4) : null;
        int? below = random.Next(4) == 0 ? random.Next(100) : null;
        var conditions = new List<string>();
        if (g is { } group)
        {
            conditions.Add($"{{\"key\": \"g\", \"match\": {{\"value\": {group}}}}}");
        }
        if (below is { } bound)
        {
            conditions.Add($"{{\"key\": \"n\", \"range\": {{\"lt\": {bound}}}}}");
        }
        string filter = conditions.Count == 0 ? "" : $", \"filter\": {{\"must\": [{string.Join(",", conditions)}]}}";
        var hits = await server.OkAsync("POST", "/collections/m/points/search",
            $"{{\"vector\": [{string.Join(",", query)}], \"limit\": {limit}, \"offset\": {offset}, \"params\": {{\"exact\": true}}, \"with_payload\": true{filter}}}");
        var expected = model
            .Where(p => (g is null || G(p.Value.Payload) == g) && (below is null || (p.Value.Payload["n"] is { } n && n.GetValue<int>() < below)))
            .Select(p => (Id: p.Key, Distance: MathF.Sqrt(p.Value.Vector.Select((v, i) => (float)((v - query[i]) * (v - query[i]))).Sum())))
            .OrderBy(p => p.Distance).ThenBy(p => p.Id)
            .Skip(offset).Take(limit).ToArray();
        var actual = hits.EnumerateArray().ToArray();
        Assert.True(expected.Select(e => e.Id).SequenceEqual(actual.Select(h => h.GetProperty("id").GetInt64())),
            $"{context}: search [{string.Join(",", query)}] limit {limit} offset {offset} g={g} n<{below}: expected {string.Join(",", expected.Select(e => e.Id))}, got {hits}");
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i].Distance, actual[i].GetProperty("score").GetSingle(), 4);
            Assert.True(JsonNode.DeepEquals(model[expected[i].Id].Payload, JsonNode.Parse(actual[i].GetProperty("payload").GetRawText())), $"{context}: payload of hit {actual[i]}");
        }
    }

    private static async Task CompareScrollAsync(TestServer server, SortedDictionary<long, (int[] Vector, JsonObject Payload)> model, int pageSize, string context)
    {
        var seen = new List<long>();
        string offset = "null";
        for (int page = 0; page < 100 && offset.Length > 0; page++)
        {
            var result = await server.OkAsync("POST", "/collections/m/points/scroll", $"{{\"limit\": {pageSize}, \"offset\": {offset}}}");
            foreach (var point in result.GetProperty("points").EnumerateArray())
            {
                long id = point.GetProperty("id").GetInt64();
                seen.Add(id);
                Assert.True(model.TryGetValue(id, out var expected) && JsonNode.DeepEquals(expected.Payload, JsonNode.Parse(point.GetProperty("payload").GetRawText())),
                    $"{context}: scrolled {point}, model has {(model.TryGetValue(id, out var m) ? m.Payload.ToJsonString() : "nothing")}");
            }
            var next = result.GetProperty("next_page_offset");
            offset = next.ValueKind == JsonValueKind.Null ? "" : next.GetRawText();
        }
        Assert.True(model.Keys.SequenceEqual(seen), $"{context}: scroll gave {string.Join(",", seen)}, model has {string.Join(",", model.Keys)}");
        var count = await server.OkAsync("POST", "/collections/m/points/count", "{}");
        Assert.Equal(model.Count, count.GetProperty("count").GetInt64());
    }

    private static long[] RandomIds(Random random, int count) =>
        Enumerable.Range(0, count).Select(_ => (long)random.Next(IdSpace)).Distinct().ToArray();

    private static int? G(JsonObject payload) => payload["g"] is { } g ? g.GetValue<int>() : null;
}
