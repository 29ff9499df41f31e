using System.Diagnostics;

namespace Vectron.Storage.Tests.Log;

/// <summary>A failed fsync must stop the process (default <c>OnFatalError</c>), not just fail the write.</summary>
public sealed class FatalErrorProcessTests
{
    [Fact]
    public async Task SyncFailure_WithDefaultHandler_StopsTheProcess_WithAClearMessage()
    {
        var start = new ProcessStartInfo(CrashProcessTests.DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Join(AppContext.BaseDirectory, "Vectron.Storage.CrashWriter.dll"));
        start.ArgumentList.Add("--fail-sync-after");
        start.ArgumentList.Add("3");
        start.Environment["DOTNET_DbgEnableMiniDump"] = "0";

        using var process = Process.Start(start) ?? throw new InvalidOperationException("the writer did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        string output = await stdout;
        string errors = await stderr;

        // Exit code 1 is the writer's own "the write failed and I am still running"; FailFast aborts instead.
        Assert.True(process.ExitCode is not (0 or 1), $"exit code {process.ExitCode}; stderr: {errors}");
        Assert.Contains("FATAL: the write-ahead log could not make data durable", errors, StringComparison.Ordinal);
        Assert.Contains("errno 5", errors, StringComparison.Ordinal);
        Assert.Equal(["ack 1 ok", "ack 2 ok", "ack 3 ok"], output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}
