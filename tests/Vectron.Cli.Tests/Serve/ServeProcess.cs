using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Vectron.Cli.Tests.Serve;

/// <summary>
/// <c>vectron serve</c> as a child process (the built executable next to the tests) on a free port,
/// started and waited for until it prints where it listens.
/// </summary>
internal sealed partial class ServeProcess : IDisposable
{
    private readonly Process _process;
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly System.Text.StringBuilder _output = new();
    private readonly List<(string Text, TaskCompletionSource Seen)> _waiters = [];

    private ServeProcess(Process process) => _process = process;

    public Uri BaseAddress { get; private set; } = new("http://127.0.0.1/");

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static async Task<ServeProcess> StartAsync(string dataDirectory, params string[] extraArguments)
    {
        var serve = Launch(dataDirectory, extraArguments);
        try
        {
            serve.BaseAddress = await serve._listening.Task.WaitAsync(TimeSpan.FromSeconds(60));
        }
        catch
        {
            serve.Dispose();
            throw;
        }
        return serve;
    }

    /// <summary>Starts the process without waiting for it to listen (a crash test kills it while it starts).</summary>
    public static ServeProcess Launch(string dataDirectory, params string[] extraArguments)
    {
        string executable = Path.Join(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "vectron.exe" : "vectron");
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string[] logLevel = extraArguments.Contains("--log-level") ? [] : ["--log-level", "warning"];
        foreach (string argument in (string[])["serve", "--data", dataDirectory, "--port", "0", .. logLevel, .. extraArguments])
        {
            start.ArgumentList.Add(argument);
        }
        var process = new Process { StartInfo = start };
        var serve = new ServeProcess(process);
        process.OutputDataReceived += (_, line) => serve.OnLine(line.Data);
        process.ErrorDataReceived += (_, line) => serve.OnLine(line.Data);
        process.Exited += (_, _) => serve._listening.TrySetException(new InvalidOperationException($"vectron serve exited with {process.ExitCode}:\n{serve.Output}"));
        process.EnableRaisingEvents = true;
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return serve;
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            _output.AppendLine(line);
            foreach (var waiter in _waiters.Where(waiter => line.Contains(waiter.Text, StringComparison.Ordinal)).ToArray())
            {
                waiter.Seen.TrySetResult();
                _waiters.Remove(waiter);
            }
        }
        if (ListeningLine().Match(line) is { Success: true } match)
        {
            _listening.TrySetResult(new Uri(match.Groups[1].Value + "/"));
        }
    }

    /// <summary>Completes when a line of the output (already printed or still to come) contains <paramref name="text"/>.</summary>
    public Task WaitForOutputAsync(string text)
    {
        lock (_output)
        {
            if (_output.ToString().Contains(text, StringComparison.Ordinal))
            {
                return Task.CompletedTask;
            }
            var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((text, seen));
            return seen.Task;
        }
    }

    /// <summary>SIGKILL: no shutdown code runs.</summary>
    public void Kill()
    {
        if (_process.HasExited)
        {
            throw new InvalidOperationException($"vectron serve had exited with {_process.ExitCode} before the kill:\n{Output}");
        }
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    /// <summary>SIGTERM, then wait for a clean exit.</summary>
    public async Task<int> TerminateAsync()
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
        _process.Dispose();
    }

    [GeneratedRegex(@"REST API listening on (http://\S+)")]
    private static partial Regex ListeningLine();
}
