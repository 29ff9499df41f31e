using System.Diagnostics;
using System.Globalization;

namespace Vectron.Rpc.Tests.Interop;

/// <summary>interop_server.py (grpcio serving Diagnostics.Echo and EchoStream) on a free loopback port.</summary>
internal sealed class PythonGrpcServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Task<string> _stderr;

    private PythonGrpcServer(Process process, Task<string> stderr, Uri address)
    {
        _process = process;
        _stderr = stderr;
        Address = address;
    }

    public Uri Address { get; }

    public static async Task<PythonGrpcServer> StartAsync(string stubsDirectory)
    {
        var process = PythonGrpc.Start([PythonGrpc.Script("interop_server.py"), stubsDirectory]);
        var stderr = process.StandardError.ReadToEndAsync();
        string? line;
        try
        {
            line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException)
        {
            line = null;
        }

        if (line is null || !line.StartsWith("PORT ", StringComparison.Ordinal))
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            string errors = await stderr;
            process.Dispose();
            Assert.Fail($"interop_server.py did not report its port (first line: '{line}')\n{errors}");
        }

        int port = int.Parse(line.AsSpan(5), CultureInfo.InvariantCulture);
        return new PythonGrpcServer(process, stderr, new Uri($"http://127.0.0.1:{port}"));
    }

    /// <summary>What the server wrote to stderr (read after disposal).</summary>
    public Task<string> Errors => _stderr;

    public async ValueTask DisposeAsync()
    {
        // Closing stdin asks the script to stop; kill it if it does not.
        _process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
