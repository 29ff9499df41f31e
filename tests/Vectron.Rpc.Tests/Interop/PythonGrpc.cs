using System.Diagnostics;
using System.Text;

namespace Vectron.Rpc.Tests.Interop;

/// <summary>
/// Runs Debian's python3-grpcio (the reference gRPC implementation's C core) against Vectron: checks it is installed,
/// generates Python stubs from the repository's protos, and runs the scripts copied next to the tests.
/// </summary>
internal static class PythonGrpc
{
    /// <summary>The system interpreter: Debian's python3-grpcio and python3-grpc-tools are installed for it, not for a pyenv python on PATH.</summary>
    public const string Python = "/usr/bin/python3";

    private const string InstallHint =
        "the interoperability tests need a real gRPC implementation: install python3-grpcio python3-grpc-tools "
        + "(apt-get install -y python3-grpcio python3-grpc-tools; .ci/run does this)";

    private static readonly TimeSpan ProcessTimeout = TimeSpan.FromSeconds(90);

    public static string Script(string name) => Path.Combine(AppContext.BaseDirectory, "Interop", name);

    /// <summary>The repository's protos/ folder, found by walking up from the test binaries.</summary>
    public static string ProtosDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            string candidate = Path.Combine(directory.FullName, "protos");
            if (File.Exists(Path.Combine(candidate, "vectron", "internal", "diagnostics.proto")))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException($"no protos/vectron/internal/diagnostics.proto above {AppContext.BaseDirectory}");
    }

    /// <summary>Fails the test (never skips it: CI installs the packages) when grpcio or grpc_tools cannot be imported.</summary>
    public static async Task RequireAsync()
    {
        ProcessResult check;
        try
        {
            check = await RunAsync(["-c", "import grpc, grpc_tools"]);
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            Assert.Fail($"{Python} cannot be started ({exception.Message}); {InstallHint}");
            return;
        }

        Assert.True(check.ExitCode == 0, $"{Python} cannot import grpc and grpc_tools; {InstallHint}\n{check}");
    }

    /// <summary>Generates diagnostics_pb2(_grpc).py from protos/vectron/internal/diagnostics.proto under <paramref name="outputDirectory"/>.</summary>
    public static async Task GenerateStubsAsync(string outputDirectory)
    {
        await RequireAsync();
        var result = await RunAsync(
            ["-m", "grpc_tools.protoc", "-I", ProtosDirectory(), $"--python_out={outputDirectory}", $"--grpc_python_out={outputDirectory}", "vectron/internal/diagnostics.proto"]);
        Assert.True(result.ExitCode == 0, $"grpc_tools.protoc failed\n{result}");
    }

    /// <summary>Runs the interpreter to completion (killed after a generous limit, so a hung script fails the test).</summary>
    public static async Task<ProcessResult> RunAsync(IReadOnlyList<string> arguments)
    {
        using var process = Start(arguments);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(ProcessTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            return new ProcessResult(-1, await stdout, $"killed after {ProcessTimeout}\n{await stderr}");
        }

        return new ProcessResult(process.ExitCode, await stdout, await stderr);
    }

    public static Process Start(IReadOnlyList<string> arguments)
    {
        var start = new ProcessStartInfo(Python)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // Only the system packages: a PYTHONPATH or user site meant for another interpreter must not shadow them.
        start.Environment.Remove("PYTHONPATH");
        start.Environment.Remove("PYTHONHOME");
        start.Environment["PYTHONNOUSERSITE"] = "1";
        start.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        start.Environment["PYTHONIOENCODING"] = "utf-8";
        return Process.Start(start) ?? throw new InvalidOperationException($"{Python} did not start");
    }
}

internal sealed record ProcessResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit code {ExitCode}\n--- stdout ---\n{Stdout}\n--- stderr ---\n{Stderr}";
}
