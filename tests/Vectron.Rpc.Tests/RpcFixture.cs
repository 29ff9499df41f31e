using System.Net;
using Vectron.Rpc.Client;
using Vectron.Rpc.Server;

namespace Vectron.Rpc.Tests;

/// <summary>A Diagnostics server on a loopback port and a channel to it.</summary>
internal sealed class RpcFixture : IAsyncDisposable
{
    private RpcFixture(RpcServer server, RpcChannel channel)
    {
        Server = server;
        Channel = channel;
    }

    public RpcServer Server { get; }

    public RpcChannel Channel { get; }

    public static async Task<RpcFixture> StartAsync(RpcServerOptions? serverOptions = null, RpcChannelOptions? channelOptions = null, Action<RpcRouter>? map = null)
    {
        var router = new RpcRouter(serverOptions).MapDiagnostics(7);
        map?.Invoke(router);
        var server = await RpcServer.StartAsync(router, new IPEndPoint(IPAddress.Loopback, 0));
        return new RpcFixture(server, new RpcChannel(server.Address, channelOptions));
    }

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        await Server.DisposeAsync();
    }
}
