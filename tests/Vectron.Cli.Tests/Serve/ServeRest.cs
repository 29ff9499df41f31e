using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Vectron.Cli.Tests.Serve;

/// <summary>REST calls the crash tests against <c>vectron serve</c> share; every failure message starts with the test's context (its seed).</summary>
internal static class ServeRest
{
    /// <summary>One stored point as a scroll returns it.</summary>
    public sealed record StoredPoint(float[]? Vector, JsonElement Payload);

    /// <summary>
    /// Runs <paramref name="test"/> with the seed from <paramref name="variable"/> (else a random one);
    /// any failure, an assertion or not (a server that does not restart, a request that throws), names it.
    /// </summary>
    public static async Task WithSeedAsync(string variable, Func<int, Task> test)
    {
        int seed = int.TryParse(Environment.GetEnvironmentVariable(variable), out int fixedSeed) ? fixedSeed : Random.Shared.Next();
        try
        {
            await test(seed);
        }
        catch (Exception e) when (!e.Message.Contains($"seed {seed}", StringComparison.Ordinal))
        {
            throw new Xunit.Sdk.XunitException($"seed {seed} ({variable}={seed} repeats it): {e}");
        }
    }

    /// <summary>
    /// Starts the server on <paramref name="directory"/> and SIGKILLs it <paramref name="delay"/> ms later
    /// (on the test's clock), while it replays its log, cleans up after the last crash or re-proposes settings.
    /// </summary>
    public static async Task KillWhileStartingAsync(string directory, int delay, params string[] extraArguments)
    {
        using var server = ServeProcess.Launch(directory, extraArguments);
        await Task.Delay(delay);
        server.Kill();
    }

    public static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    public static string Vector(float[] vector) => "[" + string.Join(",", vector.Select(x => x.ToString("R", CultureInfo.InvariantCulture))) + "]";

    /// <summary>The <c>result</c> of a successful answer (the test fails with the answer otherwise).</summary>
    public static async Task<JsonElement> ResultAsync(Task<HttpResponseMessage> request, string context)
    {
        using var response = await request;
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{context}: {(int)response.StatusCode} {text}");
        using var document = JsonDocument.Parse(text);
        return document.RootElement.GetProperty("result").Clone();
    }

    /// <summary>The status code of an answer.</summary>
    public static async Task<HttpStatusCode> StatusAsync(Task<HttpResponseMessage> request)
    {
        using var response = await request;
        return response.StatusCode;
    }

    /// <summary>Every point of a collection, by scrolling it all.</summary>
    public static async Task<Dictionary<long, StoredPoint>> ScrollAllAsync(HttpClient client, string collection, bool withVector, string context)
    {
        var found = new Dictionary<long, StoredPoint>();
        JsonElement offset = default;
        string vector = withVector ? "true" : "false";
        for (int page = 0; page < 10_000; page++)
        {
            string body = offset.ValueKind == JsonValueKind.Undefined
                ? $"{{\"limit\": 1000, \"with_vector\": {vector}}}"
                : $"{{\"limit\": 1000, \"with_vector\": {vector}, \"offset\": {offset.GetRawText()}}}";
            var result = await ResultAsync(client.PostAsync($"collections/{collection}/points/scroll", Json(body)), context);
            foreach (var point in result.GetProperty("points").EnumerateArray())
            {
                float[]? stored = withVector ? point.GetProperty("vector").EnumerateArray().Select(x => x.GetSingle()).ToArray() : null;
                Assert.True(found.TryAdd(point.GetProperty("id").GetInt64(), new StoredPoint(stored, point.GetProperty("payload").Clone())),
                    $"{context}: scroll returned point {point.GetProperty("id")} twice");
            }
            offset = result.GetProperty("next_page_offset").Clone();
            if (offset.ValueKind == JsonValueKind.Null)
            {
                return found;
            }
        }
        Assert.Fail($"{context}: the scroll did not end");
        return found;
    }

    /// <summary>Waits (on the process's own progress) until <c>/readyz</c> answers 200.</summary>
    public static async Task WaitReadyAsync(HttpClient client, string context)
    {
        for (int attempt = 0; attempt < 600; attempt++)
        {
            if (await StatusAsync(client.GetAsync("readyz")) == HttpStatusCode.OK)
            {
                return;
            }
            await Task.Delay(50);
        }
        Assert.Fail($"{context}: the server did not become ready in 30 s");
    }

    /// <summary>Waits until every point of the collection is in its shards' HNSW graphs (status green).</summary>
    public static async Task WaitIndexedAsync(HttpClient client, string collection, string context)
    {
        JsonElement info = default;
        for (int attempt = 0; attempt < 1200; attempt++)
        {
            info = await ResultAsync(client.GetAsync($"collections/{collection}"), context);
            if (info.GetProperty("indexed_vectors_count").GetInt64() >= info.GetProperty("points_count").GetInt64())
            {
                return;
            }
            await Task.Delay(50);
        }
        Assert.Fail($"{context}: collection {collection} not fully indexed after 60 s: {info}");
    }
}
