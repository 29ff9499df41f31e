namespace Vectron.Server.Tests.Gateway;

public sealed class GatewayHostingTests
{
    // The slim builder's appsettings.json reload watched the working directory recursively, and ./vectron-data, the
    // default data directory, is below it: every log and segment write woke the watcher's thread.
    [Fact]
    public async Task TheGateway_WatchesNoFiles()
    {
        int before = InotifyInstances.Count();
        await using var server = await TestServer.StartAsync();
        using var response = await server.Client.GetAsync(new Uri("/collections", UriKind.Relative));

        Assert.True(response.IsSuccessStatusCode, $"GET /collections: {(int)response.StatusCode}");
        Assert.Equal(before, InotifyInstances.Count());
    }
}
