namespace Vectron.Cli.Tests.Client;

public sealed class ClientCommandsTests
{
    private static (int Code, string Output, string Errors) Run(params string[] arguments)
    {
        var output = new StringWriter();
        var errors = new StringWriter();
        int code = CliApplication.Run(arguments, output, errors);
        return (code, output.ToString(), errors.ToString());
    }

    [Fact]
    public async Task Collections_CreateListInfoDelete_TalkToTheServer()
    {
        await using var server = await FakeVectronServer.StartAsync();
        string url = server.Url.AbsoluteUri;
        var created = Run("collections", "create", "docs", "--size", "4", "--distance", "dot", "--url", url);
        Assert.Equal(0, created.Code);
        Assert.Contains("created collection 'docs' (4 dimensions, Dot)", created.Output, StringComparison.Ordinal);
        Assert.Equal(4, server.Collections["docs"]);

        var list = Run("collections", "list", "--url", url);
        Assert.Equal(0, list.Code);
        Assert.Contains("docs", list.Output, StringComparison.Ordinal);
        Assert.Contains("green", list.Output, StringComparison.Ordinal);

        var info = Run("collections", "info", "docs", "--url", url);
        Assert.Contains("dimension", info.Output, StringComparison.Ordinal);
        Assert.Contains("Cosine", info.Output, StringComparison.Ordinal);

        var json = Run("collections", "info", "docs", "--url", url, "--json");
        Assert.Contains("\"points_count\": 0", json.Output, StringComparison.Ordinal);

        Assert.Equal(0, Run("collections", "delete", "docs", "--url", url).Code);
        Assert.Empty(server.Collections);
        var again = Run("collections", "delete", "docs", "--url", url);
        Assert.NotEqual(0, again.Code);
        Assert.Contains("does not exist", again.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Collections_InfoOfUnknown_ShowsTheServersError()
    {
        await using var server = await FakeVectronServer.StartAsync();
        var result = Run("collections", "info", "nope", "--url", server.Url.AbsoluteUri);
        Assert.Equal(1, result.Code);
        Assert.Contains("404 Not Found: Collection `nope` doesn't exist!", result.Errors, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "collections" }, "needs a subcommand")]
    [InlineData(new[] { "collections", "create", "x", "--distance", "Cosine" }, "needs --size")]
    [InlineData(new[] { "collections", "create", "x", "--size", "3", "--distance", "manhattan" }, "--distance: expected one of")]
    [InlineData(new[] { "search", "x" }, "exactly one of --vector")]
    [InlineData(new[] { "search", "x", "--vector", "1,zz" }, "component 1 ('zz')")]
    [InlineData(new[] { "search", "x", "--id", "-3" }, "neither an unsigned integer nor a UUID")]
    [InlineData(new[] { "search", "x", "--vector", "1", "--filter", "{nope" }, "--filter is not valid JSON")]
    [InlineData(new[] { "import", "--collection", "x" }, "needs the file to import first")]
    [InlineData(new[] { "import", "a.fvecs", "--collection", "x", "--create" }, "--create needs --distance")]
    [InlineData(new[] { "import", "a.fvecs", "--sample", "5", "--collection", "x" }, "a file or --sample N, not both")]
    [InlineData(new[] { "import", "a.fvecs", "--dimension", "5", "--collection", "x" }, "--dimension is only used with --sample")]
    [InlineData(new[] { "status", "--url", "ftp://x" }, "is not an http:// or https:// URL")]
    public void BadArguments_AreUsageErrors(string[] arguments, string expected)
    {
        var result = Run(arguments);
        Assert.Equal(2, result.Code);
        Assert.Contains(expected, result.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Search_ByVector_SendsTheQuery_AndPrintsATable()
    {
        await using var server = await FakeVectronServer.StartAsync();
        var result = Run("search", "docs", "--vector", "0.5,1,-2", "--limit", "2", "--filter", """{"must":[{"key":"color","match":{"value":"red"}}]}""",
            "--ef", "64", "--with-payload", "--url", server.Url.AbsoluteUri);
        Assert.Equal(0, result.Code);
        Assert.Contains("\"vector\":[0.5,1,-2]", server.LastSearchBody, StringComparison.Ordinal);
        Assert.Contains("\"limit\":2", server.LastSearchBody, StringComparison.Ordinal);
        Assert.Contains("\"hnsw_ef\":64", server.LastSearchBody, StringComparison.Ordinal);
        Assert.Contains("\"key\":\"color\"", server.LastSearchBody, StringComparison.Ordinal);
        string[] lines = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("rank", lines[0], StringComparison.Ordinal);
        Assert.Contains("0.9876", lines[2], StringComparison.Ordinal);
        Assert.Contains("{\"color\":\"red\"}", lines[2], StringComparison.Ordinal);
        Assert.Contains("b2a4c3a2-0000-4000-8000-000000000001", lines[3], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Search_ById_UsesTheQueryEndpoint()
    {
        await using var server = await FakeVectronServer.StartAsync();
        var result = Run("search", "docs", "--id", "42", "--url", server.Url.AbsoluteUri, "--json");
        Assert.Equal(0, result.Code);
        Assert.Contains("\"query\":42", server.LastSearchBody, StringComparison.Ordinal);
        Assert.Contains("\"points\"", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_ShowsVersionClusterAndCollections()
    {
        await using var server = await FakeVectronServer.StartAsync();
        server.Collections["a"] = 3;
        var result = Run("status", "--url", server.Url.AbsoluteUri);
        Assert.Equal(0, result.Code);
        Assert.Contains("version   vectron test", result.Output, StringComparison.Ordinal);
        Assert.Contains("cluster   disabled", result.Output, StringComparison.Ordinal);
        Assert.Contains("a  ", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Help_ExplainsEachClientCommand()
    {
        foreach (string command in new[] { "collections", "import", "search", "status" })
        {
            var result = Run(command, "--help");
            Assert.Equal(0, result.Code);
            Assert.Contains($"vectron {command}", result.Output, StringComparison.Ordinal);
        }
    }
}
