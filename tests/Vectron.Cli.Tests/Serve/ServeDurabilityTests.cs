using System.Globalization;
using System.Text;
using System.Text.Json;
using Xunit.Abstractions;

namespace Vectron.Cli.Tests.Serve;

/// <summary>
/// <c>vectron serve</c> killed with SIGKILL at random moments while a client ingests with wait=true:
/// after each restart every acknowledged point must be there, with its payload, and be found by search.
/// The seed comes from VECTRON_DURABILITY_SEED (else random) and is in every failure message.
/// </summary>
public sealed class ServeDurabilityTests(ITestOutputHelper output)
{
    private const int Dimension = 6;
    private const int Kills = 20;

    [Fact]
    public async Task EveryAcknowledgedPoint_SurvivesRepeatedSigkills()
    {
        int seed = int.TryParse(Environment.GetEnvironmentVariable("VECTRON_DURABILITY_SEED"), out int fixedSeed) ? fixedSeed : Random.Shared.Next();
        var random = new Random(seed);
        using var directory = new TempDirectory();
        var acknowledged = new Dictionary<long, float[]>();
        long nextId = 1;
        bool created = false;
        for (int round = 0; round <= Kills; round++)
        {
            using var server = await ServeProcess.StartAsync(directory.Path);
            using var client = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
            string context = $"seed {seed}, round {round}";

            if (!created)
            {
                await EnsureOkAsync(client.PutAsync("collections/d", Json($"{{\"vectors\": {{\"size\": {Dimension}, \"distance\": \"Euclid\"}}, \"shard_number\": 2}}")), context);
                created = true;
            }
            await VerifyAsync(client, acknowledged, random, context);
            if (round == Kills)
            {
                Assert.Equal(0, await server.TerminateAsync());
                Assert.Contains("stopped cleanly", server.Output, StringComparison.Ordinal);
                break;
            }

            // Ingest until the kill; only answers received before it count as acknowledged.
            using var stop = new CancellationTokenSource();
            var ingest = Task.Run(async () =>
            {
                var batchRandom = new Random(random.Next());
                while (!stop.IsCancellationRequested)
                {
                    int size = batchRandom.Next(1, 30);
                    var batch = new List<(long Id, float[] Vector)>();
                    for (int i = 0; i < size; i++)
                    {
                        batch.Add((nextId++, Enumerable.Range(0, Dimension).Select(_ => (float)batchRandom.NextDouble() * 100).ToArray()));
                    }
                    string body = "{\"points\": [" + string.Join(",", batch.Select(p =>
                        string.Create(CultureInfo.InvariantCulture, $"{{\"id\": {p.Id}, \"vector\": {Vector(p.Vector)}, \"payload\": {{\"id\": {p.Id}, \"tag\": \"t{p.Id % 7}\"}}}}"))) + "]}";
                    try
                    {
                        using var response = await client.PutAsync("collections/d/points?wait=true", Json(body), stop.Token);
                        if (response.IsSuccessStatusCode)
                        {
                            lock (acknowledged)
                            {
                                foreach (var (id, vector) in batch)
                                {
                                    acknowledged[id] = vector;
                                }
                            }
                        }
                    }
                    catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
                    {
                        return; // the server died under the request: its outcome is unknown
                    }
                }
            });
            await Task.Delay(random.Next(30, 600));
            server.Kill();
            await stop.CancelAsync();
            await ingest;
        }
        output.WriteLine($"seed {seed}: {Kills} SIGKILLs, {acknowledged.Count} acknowledged points, {nextId - 1} sent");
        Assert.True(acknowledged.Count > 100, $"seed {seed}: only {acknowledged.Count} points were acknowledged");
    }

    private static async Task VerifyAsync(HttpClient client, Dictionary<long, float[]> acknowledged, Random random, string context)
    {
        // Every acknowledged point, by scrolling everything (unacknowledged writes may be there too).
        var found = new Dictionary<long, JsonElement>();
        JsonElement offset = default;
        for (int page = 0; page < 10_000; page++)
        {
            string body = offset.ValueKind == JsonValueKind.Undefined ? "{\"limit\": 1000}" : $"{{\"limit\": 1000, \"offset\": {offset.GetRawText()}}}";
            var result = await ResultAsync(client.PostAsync("collections/d/points/scroll", Json(body)), context);
            foreach (var point in result.GetProperty("points").EnumerateArray())
            {
                found[point.GetProperty("id").GetInt64()] = point.GetProperty("payload").Clone();
            }
            offset = result.GetProperty("next_page_offset").Clone();
            if (offset.ValueKind == JsonValueKind.Null)
            {
                break;
            }
        }
        foreach (long id in acknowledged.Keys)
        {
            Assert.True(found.TryGetValue(id, out var payload), $"{context}: acknowledged point {id} is missing ({found.Count} points present, {acknowledged.Count} acknowledged)");
            Assert.Equal(id, payload.GetProperty("id").GetInt64());
            Assert.Equal($"t{id % 7}", payload.GetProperty("tag").GetString());
        }

        // A sample (all of them in the last rounds is too slow) must be found by search with its own vector.
        var sample = acknowledged.Keys.OrderBy(_ => random.Next()).Take(25).ToArray();
        foreach (long id in sample)
        {
            var hits = await ResultAsync(client.PostAsync("collections/d/points/search", Json($"{{\"vector\": {Vector(acknowledged[id])}, \"limit\": 3}}")), context);
            Assert.True(hits.EnumerateArray().Any(hit => hit.GetProperty("id").GetInt64() == id), $"{context}: point {id} not found by search: {hits}");
        }
    }

    private static async Task<JsonElement> ResultAsync(Task<HttpResponseMessage> request, string context)
    {
        using var response = await request;
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{context}: {(int)response.StatusCode} {text}");
        using var document = JsonDocument.Parse(text);
        return document.RootElement.GetProperty("result").Clone();
    }

    private static async Task EnsureOkAsync(Task<HttpResponseMessage> request, string context) => await ResultAsync(request, context);

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static string Vector(float[] vector) => "[" + string.Join(",", vector.Select(x => x.ToString("R", CultureInfo.InvariantCulture))) + "]";
}
