using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Vectron.Rpc.Server;

/// <summary>
/// A Kestrel server that serves one <see cref="RpcRouter"/> over HTTP/2: cleartext (h2c, prior knowledge) or TLS when
/// a certificate is given.
/// </summary>
public sealed class RpcServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private RpcServer(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    /// <summary>The address clients call (<c>http://host:port</c>, or https with TLS); the actual port when 0 was asked for.</summary>
    public Uri Address { get; }

    /// <summary>Starts serving <paramref name="router"/> on <paramref name="endpoint"/> (port 0 picks a free one).</summary>
    public static Task<RpcServer> StartAsync(RpcRouter router, IPEndPoint endpoint, X509Certificate2? certificate = null, ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(router);
        return StartAsync(router.HandleAsync, endpoint, certificate, loggerFactory, cancellationToken);
    }

    /// <summary>
    /// Starts serving any request delegate on the same Kestrel HTTP/2 setup (limits, windows, pings) as a router gets:
    /// for a baseline measured beside the RPC layer, or a test endpoint.
    /// </summary>
    public static async Task<RpcServer> StartAsync(RequestDelegate application, IPEndPoint endpoint, X509Certificate2? certificate = null, ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(application);
        ArgumentNullException.ThrowIfNull(endpoint);
        // The empty builder: no configuration files, so no file watcher. The slim builder watches appsettings.json
        // through a recursive inotify watch on the working directory, and every write under it (the log engine's
        // pwritev when the data directory is below the working directory) woke that watcher's thread in every process.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore();
        if (loggerFactory is not null)
        {
            builder.Services.AddSingleton(loggerFactory);
        }

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = null; // streams are long-lived; messages are limited by the router
            kestrel.Limits.MinRequestBodyDataRate = null; // a stream may idle between Raft batches
            kestrel.Limits.Http2.MaxStreamsPerConnection = 1000;
            kestrel.Limits.Http2.InitialConnectionWindowSize = 8 << 20;
            kestrel.Limits.Http2.InitialStreamWindowSize = 4 << 20;
            kestrel.Limits.Http2.KeepAlivePingDelay = TimeSpan.FromSeconds(10);
            kestrel.Limits.Http2.KeepAlivePingTimeout = TimeSpan.FromSeconds(20);
            kestrel.Listen(endpoint, listen =>
            {
                listen.Protocols = HttpProtocols.Http2;
                if (certificate is not null)
                {
                    listen.UseHttps(certificate);
                }
            });
        });
        var app = builder.Build();
        app.Run(application);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var uri = new Uri(bound.Replace("[::]", "localhost", StringComparison.Ordinal).Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal));
        return new RpcServer(app, uri);
    }

    /// <summary>Stops accepting calls and waits briefly for calls in flight.</summary>
    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await _app.StopAsync(timeout.Token).ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
