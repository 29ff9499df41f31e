using System.Net;
using System.Text;
using System.Text.Json;
using Vectron.Server.Gateway;
using Vectron.Server.Node;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Vectron.Server.Tests.Gateway;

/// <summary>
/// A real <c>vectron serve</c> stack in the test process: a node on a temp data directory and the
/// REST gateway on a free loopback port, with an HttpClient. <see cref="RestartAsync()"/> stops both and
/// starts them again on the same directory.
/// </summary>
internal sealed class TestServer : IAsyncDisposable
{
    private readonly TempDirectory? _ownedDirectory;
    private readonly int _defaultShards;
    private readonly long _maxBodyBytes;
    private readonly long _snapshotEvery;
    private VectronNode? _node;
    private GatewayServer? _gateway;

    private TestServer(string dataDirectory, TempDirectory? owned, int defaultShards, long maxBodyBytes, long snapshotEvery)
    {
        _snapshotEvery = snapshotEvery;
        DataDirectory = dataDirectory;
        _ownedDirectory = owned;
        _defaultShards = defaultShards;
        _maxBodyBytes = maxBodyBytes;
    }

    public string DataDirectory { get; }

    public HttpClient Client { get; private set; } = new();

    public VectronNode Node => _node!;

    public static async Task<TestServer> StartAsync(int defaultShards = 2, long maxBodyBytes = 1 << 20, string? dataDirectory = null, long snapshotEvery = 2_000)
    {
        var owned = dataDirectory is null ? new TempDirectory() : null;
        var server = new TestServer(dataDirectory ?? owned!.Path, owned, defaultShards, maxBodyBytes, snapshotEvery);
        await server.OpenAsync();
        return server;
    }

    public async Task RestartAsync()
    {
        await CloseAsync();
        await OpenAsync();
    }

    /// <summary>Stops the server; <paramref name="inspect"/> runs while it is down; then it starts again.</summary>
    public async Task RestartAsync(Func<Task> inspect)
    {
        await CloseAsync();
        await inspect();
        await OpenAsync();
    }

    private async Task OpenAsync()
    {
        // VECTRON_TEST_LOG=1 shows the node's log on the console (for debugging a failing test).
        var logging = Environment.GetEnvironmentVariable("VECTRON_TEST_LOG") == "1"
            ? LoggerFactory.Create(builder => builder.AddSimpleConsole().SetMinimumLevel(LogLevel.Debug))
            : null;
        _node = await VectronNode.StartAsync(new NodeOptions { DataDirectory = DataDirectory, DefaultShardNumber = _defaultShards, SnapshotEveryEntries = _snapshotEvery },
            ShardFactory.Create(logging), logging);
        _gateway = await GatewayServer.StartAsync(_node, new GatewayOptions { Port = 0, MaxBodyBytes = _maxBodyBytes }, NullLoggerFactory.Instance);
        Client = new HttpClient { BaseAddress = _gateway.BaseAddress };
    }

    private async Task CloseAsync()
    {
        Client.Dispose();
        if (_gateway is not null)
        {
            await _gateway.StopAsync();
            await _gateway.DisposeAsync();
            _gateway = null;
        }
        if (_node is not null)
        {
            await _node.DisposeAsync();
            _node = null;
        }
    }

    /// <summary>Sends a request; returns the status and the parsed JSON answer (cloned).</summary>
    public async Task<Answer> SendAsync(string method, string path, string? json = null)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }
        using var response = await Client.SendAsync(request);
        string text = await response.Content.ReadAsStringAsync();
        JsonElement body = default;
        if (response.Content.Headers.ContentType?.MediaType == "application/json" && text.Length > 0)
        {
            using var document = JsonDocument.Parse(text);
            body = document.RootElement.Clone();
        }
        return new Answer(response.StatusCode, body, text);
    }

    /// <summary>Sends and expects 200 with status ok; returns the result.</summary>
    public async Task<JsonElement> OkAsync(string method, string path, string? json = null)
    {
        var answer = await SendAsync(method, path, json);
        Assert.True(answer.Status == HttpStatusCode.OK, $"{method} {path} → {(int)answer.Status}: {answer.Text}");
        Assert.Equal("ok", answer.Body.GetProperty("status").GetString());
        Assert.True(answer.Body.GetProperty("time").GetDouble() >= 0);
        return answer.Body.GetProperty("result");
    }

    /// <summary>Sends and expects an error envelope with <paramref name="status"/> whose message contains <paramref name="fragment"/>.</summary>
    public async Task<string> ErrorAsync(HttpStatusCode status, string method, string path, string? json, string fragment)
    {
        var answer = await SendAsync(method, path, json);
        Assert.True(answer.Status == status, $"{method} {path} → {(int)answer.Status} (expected {(int)status}): {answer.Text}");
        string message = answer.Body.GetProperty("status").GetProperty("error").GetString()!;
        Assert.Contains(fragment, message, StringComparison.Ordinal);
        Assert.True(answer.Body.GetProperty("time").GetDouble() >= 0);
        return message;
    }

    public async ValueTask DisposeAsync()
    {
        await CloseAsync();
        _ownedDirectory?.Dispose();
    }

    public readonly record struct Answer(HttpStatusCode Status, JsonElement Body, string Text);
}
