using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Vectron.Server.Node;

namespace Vectron.Server.Gateway;

/// <summary>
/// The REST API in Qdrant's shapes on Kestrel: minimal routing with <see cref="RequestDelegate"/>
/// handlers (JSON read with <see cref="System.Text.Json.JsonDocument"/>, written with
/// <see cref="System.Text.Json.Utf8JsonWriter"/>; no reflection-based binding), every failure mapped
/// by <see cref="ErrorMapping"/>.
/// </summary>
public sealed class GatewayServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly RestApi _api;

    private GatewayServer(WebApplication app, RestApi api)
    {
        _app = app;
        _api = api;
    }

    /// <summary>The port Kestrel listens on (the one chosen when the options said 0).</summary>
    public int Port { get; private set; }

    /// <summary>The base address, e.g. http://127.0.0.1:6333.</summary>
    public Uri BaseAddress { get; private set; } = new("http://127.0.0.1/");

    /// <summary>Builds the server and starts listening.</summary>
    /// <exception cref="ArgumentException">A non-loopback address without <see cref="GatewayOptions.Insecure"/>.</exception>
    public static async Task<GatewayServer> StartAsync(VectronNode node, GatewayOptions options, ILoggerFactory loggerFactory, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(node);
        var address = CheckListenAddress(options);
        // The empty builder: no configuration files and so no file watcher (see RpcServer.StartAsync: the slim
        // builder's recursive inotify watch on the working directory woke on every write to a data directory below it).
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore();
        builder.Services.AddSingleton(loggerFactory);
        builder.Services.AddRouting();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = options.MaxBodyBytes;
            kestrel.Listen(address, options.Port, listen => listen.Protocols = HttpProtocols.Http1);
        });
        var app = builder.Build();
        var api = new RestApi(node, options, loggerFactory);
        api.Map(app);
        var server = new GatewayServer(app, api);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>();
        var bound = new Uri(addresses!.Addresses.First());
        server.Port = bound.Port;
        server.BaseAddress = new Uri($"http://{(address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString())}:{bound.Port}/");
        return server;
    }

    /// <summary>
    /// The address to listen on; refuses a non-loopback address unless <see cref="GatewayOptions.Insecure"/>
    /// (there is no authentication yet). Callers check before opening anything.
    /// </summary>
    /// <exception cref="ArgumentException">Not an address, or not loopback without Insecure.</exception>
    public static IPAddress CheckListenAddress(GatewayOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var address = ParseAddress(options.Host);
        if (!IPAddress.IsLoopback(address) && !options.Insecure)
        {
            throw new ArgumentException($"refusing to listen on {options.Host} without authentication; pass --insecure to allow it");
        }
        return address;
    }

    /// <summary>Stops accepting requests and lets running ones finish (up to the host's shutdown timeout).</summary>
    public Task StopAsync(CancellationToken cancellationToken = default) => _app.StopAsync(cancellationToken);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync().ConfigureAwait(false);
        _api.Dispose();
    }

    private static IPAddress ParseAddress(string host) => host switch
    {
        "localhost" => IPAddress.Loopback,
        "0.0.0.0" or "*" => IPAddress.Any,
        "::" => IPAddress.IPv6Any,
        _ => IPAddress.TryParse(host, out var address) ? address : throw new ArgumentException($"--host: `{host}` is not an IP address"),
    };
}
