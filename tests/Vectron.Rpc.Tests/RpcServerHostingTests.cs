using System.Net;
using Vectron.Rpc.Client;
using Vectron.Rpc.Protocol.Internal;
using Vectron.Rpc.Server;
using Vectron.Testing;

namespace Vectron.Rpc.Tests;

public sealed class RpcServerHostingTests
{
    // ASP.NET's slim builder reads appsettings.json with reload-on-change: a recursive inotify watch on the working
    // directory, whose thread woke on every write below it — the log engine's, when the data directory is there.
    [Fact]
    public async Task AServer_WatchesNoFiles()
    {
        int before = InotifyInstances.Count();
        await using var server = await RpcServer.StartAsync(new RpcRouter().MapDiagnostics(1), new IPEndPoint(IPAddress.Loopback, 0));
        using var channel = new RpcChannel(server.Address);
        var reply = await channel.UnaryAsync(DiagnosticsMethods.Echo, new EchoRequest { Text = "served" });

        Assert.Equal("served", reply.Text);
        Assert.Equal(before, InotifyInstances.Count());
    }
}
