using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Vectron.Cli.Tests.Client;

/// <summary>
/// A stand-in for a Vectron server's REST API, just enough for the client commands' tests: collections
/// (create, info, list, delete), upserts (recorded per id), search (answers a fixed hit list) and
/// <c>GET /</c> and <c>/cluster</c>. Each request can be made to fail through <see cref="Fault"/>.
/// </summary>
internal sealed class FakeVectronServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FakeVectronServer(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    public Uri Url { get; }

    /// <summary>Collections by name: their dimension.</summary>
    public ConcurrentDictionary<string, int> Collections { get; } = new();

    /// <summary>Upserted points by id text: the vector.</summary>
    public ConcurrentDictionary<string, float[]> Points { get; } = new();

    /// <summary>How many upsert requests arrived (including refused ones).</summary>
    public int UpsertRequests => Volatile.Read(ref _upsertRequests);

    /// <summary>Ids of every upserted point in arrival order (with repeats).</summary>
    public ConcurrentQueue<string> Arrivals { get; } = new();

    /// <summary>Decides per upsert request (1-based number) whether to answer with an error status instead; 0 = serve it.</summary>
    public Func<int, int> Fault { get; set; } = _ => 0;

    /// <summary>The last request body seen by the search endpoints.</summary>
    public string? LastSearchBody { get; private set; }

    private int _upsertRequests;

    public static async Task<FakeVectronServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        FakeVectronServer? server = null;
        app.Run(context => server!.HandleAsync(context));
        await app.StartAsync();
        var address = new Uri(app.Urls.First());
        server = new FakeVectronServer(app, address);
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        string path = context.Request.Path.Value!.Trim('/');
        string[] parts = path.Split('/');
        string method = context.Request.Method;
        using var body = await ReadBodyAsync(context);
        if (path.Length == 0)
        {
            await WriteAsync(context, 200, """{"title":"vectron","version":"test"}""");
            return;
        }

        if (path == "cluster")
        {
            await WriteResultAsync(context, """{"status":"disabled"}""");
            return;
        }

        if (path == "collections" && method == "GET")
        {
            string names = string.Join(",", Collections.Keys.Order(StringComparer.Ordinal).Select(n => $$"""{"name":"{{n}}"}"""));
            await WriteResultAsync(context, $$"""{"collections":[{{names}}]}""");
            return;
        }

        string name = Uri.UnescapeDataString(parts[1]);
        if (parts.Length == 2)
        {
            switch (method)
            {
                case "GET" when Collections.TryGetValue(name, out int size):
                    await WriteResultAsync(context, "{\"status\":\"green\",\"points_count\":" + Points.Count + ",\"indexed_vectors_count\":0,\"config\":{\"params\":{\"vectors\":{\"size\":" + size
                        + ""","distance":"Cosine"},"shard_number":2},"hnsw_config":{"m":16,"ef_construct":100}}}""");
                    return;
                case "GET":
                    await WriteErrorAsync(context, 404, $"Collection `{name}` doesn't exist!");
                    return;
                case "PUT":
                    Collections[name] = body!.RootElement.GetProperty("vectors").GetProperty("size").GetInt32();
                    await WriteResultAsync(context, "true");
                    return;
                case "DELETE":
                    await WriteResultAsync(context, Collections.TryRemove(name, out _) ? "true" : "false");
                    return;
            }
        }

        if (parts is [_, _, "points"] && method == "PUT")
        {
            int number = Interlocked.Increment(ref _upsertRequests);
            int fault = Fault(number);
            if (fault != 0)
            {
                await WriteErrorAsync(context, fault, $"injected fault on request {number}");
                return;
            }

            int dimension = Collections[name];
            foreach (var point in body!.RootElement.GetProperty("points").EnumerateArray())
            {
                var vector = point.GetProperty("vector").EnumerateArray().Select(v => v.GetSingle()).ToArray();
                if (vector.Length != dimension)
                {
                    await WriteErrorAsync(context, 400, $"points: wrong dimension {vector.Length}");
                    return;
                }
            }

            foreach (var point in body.RootElement.GetProperty("points").EnumerateArray())
            {
                string id = point.GetProperty("id").ToString();
                Points[id] = point.GetProperty("vector").EnumerateArray().Select(v => v.GetSingle()).ToArray();
                Arrivals.Enqueue(id);
            }

            await WriteResultAsync(context, """{"operation_id":1,"status":"completed"}""");
            return;
        }

        if (parts is [_, _, "points", "search" or "query"])
        {
            LastSearchBody = body?.RootElement.GetRawText();
            string hits = """[{"id":7,"version":1,"score":0.9876,"payload":{"color":"red"}},{"id":"b2a4c3a2-0000-4000-8000-000000000001","version":1,"score":0.5}]""";
            await WriteResultAsync(context, parts[3] == "query" ? $$"""{"points":{{hits}}}""" : hits);
            return;
        }

        await WriteErrorAsync(context, 404, $"no route {method} /{path}");
    }

    private static async Task<JsonDocument?> ReadBodyAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer);
        return buffer.Length == 0 ? null : JsonDocument.Parse(buffer.ToArray());
    }

    private static Task WriteResultAsync(HttpContext context, string resultJson) =>
        WriteAsync(context, 200, $$"""{"result":{{resultJson}},"status":"ok","time":0.001}""");

    private static Task WriteErrorAsync(HttpContext context, int status, string message) =>
        WriteAsync(context, status, $$"""{"status":{"error":{{JsonSerializer.Serialize(message)}}},"time":0.001}""");

    private static async Task WriteAsync(HttpContext context, int status, string json)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(json);
    }
}
