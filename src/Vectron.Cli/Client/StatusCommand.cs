using System.Text.Json;

namespace Vectron.Cli.Client;

/// <summary><c>vectron status</c>: the server's version, its cluster state and its collections.</summary>
internal static class StatusCommand
{
    /// <summary>Prints what the server says about itself, then the collections table.</summary>
    public static int Run(IReadOnlyList<string> arguments, TextWriter output) => RunAsync(arguments, output).GetAwaiter().GetResult();

    private static async Task<int> RunAsync(IReadOnlyList<string> arguments, TextWriter output)
    {
        var (_, list) = ClientOptions.Parse("status", arguments, 0, [], []);
        var options = ClientOptions.From(list);
        using var client = options.CreateClient();
        var root = await client.GetBareAsync(string.Empty, CancellationToken.None).ConfigureAwait(false);
        var cluster = await client.SendAsync(HttpMethod.Get, "cluster", ReadOnlyMemory<byte>.Empty, CancellationToken.None).ConfigureAwait(false);
        if (options.Json)
        {
            var collections = await client.SendAsync(HttpMethod.Get, "collections", ReadOnlyMemory<byte>.Empty, CancellationToken.None).ConfigureAwait(false);
            using var combined = JsonSerializer.SerializeToDocument(new Dictionary<string, JsonElement>
            {
                ["server"] = root,
                ["cluster"] = cluster,
                ["collections"] = collections,
            });
            ClientOptions.WriteJson(output, combined.RootElement);
            return 0;
        }

        output.WriteLine($"server    {client.BaseUrl.AbsoluteUri.TrimEnd('/')}");
        output.WriteLine($"version   {CollectionsCommand.Text(root, "title")} {CollectionsCommand.Text(root, "version")}");
        output.WriteLine($"cluster   {CollectionsCommand.Text(cluster, "status")}");
        output.WriteLine();
        await CollectionsCommand.ListAsync(client, options, output).ConfigureAwait(false);
        return 0;
    }
}
