using System.Diagnostics;

namespace Vectron.Cli.Tests.Serve;

/// <summary>
/// Compatibility: the official Qdrant JavaScript client (<c>@qdrant/js-client-rest</c>, installed from
/// npm into a temp folder) runs Serve/QdrantJs/compat.mjs against <c>vectron serve</c>: create a
/// collection, upsert with payloads, search with a filter, scroll, count, get, set payload, delete by
/// filter, aliases, collection snapshots, delete the collection; every call must succeed with the expected results.
/// Needs node and npm (.ci/run installs them) and the npm registry.
/// </summary>
public sealed class QdrantJsClientTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public async Task OfficialQdrantJsClient_RunsTheCompatibilityScript()
    {
        using var work = new TempDirectory();
        foreach (string file in (string[])["package.json", "compat.mjs"])
        {
            File.Copy(Path.Join(AppContext.BaseDirectory, "Serve", "QdrantJs", file), work.File(file));
        }
        var install = await RunAsync("npm", work.Path, "install", "--no-audit", "--no-fund", "--loglevel=error");
        Assert.True(install.ExitCode == 0, $"npm install @qdrant/js-client-rest failed ({install.ExitCode}):\n{install.Output}");

        using var data = new TempDirectory();
        using var server = await ServeProcess.StartAsync(data.Path);
        var run = await RunAsync("node", work.Path, "compat.mjs", server.BaseAddress.ToString().TrimEnd('/'));
        output.WriteLine(run.Output);
        Assert.True(run.ExitCode == 0, $"the Qdrant JS client script failed ({run.ExitCode}):\n{run.Output}\nserver:\n{server.Output}");
        Assert.Contains("all 19 steps passed", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("incompatible", run.Output, StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string program, string directory, params string[] arguments)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (-1, $"cannot run {program} ({e.Message}); install node and npm (apt-get install -y nodejs npm; .ci/run does)");
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(5));
            return (process.ExitCode, await stdout + await stderr);
        }
    }
}
