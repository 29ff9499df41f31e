using System.Diagnostics;
using System.Threading.Channels;

namespace Vectron.Cli.Bench.Processes;

/// <summary>
/// One child process of a benchmark: standard input kept open (closing it asks the child to stop), standard output
/// lines readable as they arrive, and both output streams appended to a log file for post-mortems.
/// </summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    private readonly StreamWriter _log;
    private readonly Lock _logLock = new();
    private bool _stdinClosed;
    private bool _logClosed;

    private ChildProcess(string name, Process process, StreamWriter log)
    {
        Name = name;
        _process = process;
        _log = log;
    }

    /// <summary>For messages: what the child is (e.g. "vectron node 2").</summary>
    public string Name { get; }

    /// <summary>The log file of the child's output.</summary>
    public string LogPath { get; private init; } = string.Empty;

    /// <summary>The child's process id.</summary>
    public int Id => _process.Id;

    /// <summary>The exit code, once <see cref="HasExited"/>.</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>Whether the child has exited.</summary>
    public bool HasExited => _process.HasExited;

    public static ChildProcess Start(string name, string fileName, IReadOnlyList<string> arguments, string logPath, IReadOnlyDictionary<string, string>? environment)
    {
        var info = new ProcessStartInfo(fileName)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (variable, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[variable] = value;
        }

        var log = new StreamWriter(new FileStream(logPath, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var child = new ChildProcess(name, process, log) { LogPath = logPath };
        process.OutputDataReceived += (_, e) => child.OnLine(e.Data, stdout: true);
        process.ErrorDataReceived += (_, e) => child.OnLine(e.Data, stdout: false);
        child.Log($"== {DateTime.UtcNow:O} starting: {fileName} {string.Join(' ', arguments)}");
        if (!process.Start())
        {
            throw new InvalidOperationException($"could not start {name} ({fileName})");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>The next standard-output line that <paramref name="match"/> accepts (earlier lines are skipped).</summary>
    /// <exception cref="InvalidOperationException">The child exited first, or <paramref name="timeout"/> passed; the message quotes the end of its log.</exception>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout, string what)
    {
        using var timer = new CancellationTokenSource(timeout);
        try
        {
            while (await _lines.Reader.WaitToReadAsync(timer.Token).ConfigureAwait(false))
            {
                while (_lines.Reader.TryRead(out string? line))
                {
                    if (match(line))
                    {
                        return line;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (timer.IsCancellationRequested)
        {
            throw new InvalidOperationException($"{Name} did not print {what} within {timeout.TotalSeconds:F0} s; the end of its log ({LogPath}):\n{LogTail()}");
        }

        await _process.WaitForExitAsync().ConfigureAwait(false);
        throw new InvalidOperationException($"{Name} exited (code {_process.ExitCode}) before printing {what}; the end of its log ({LogPath}):\n{LogTail()}");
    }

    /// <summary>Writes a line to the child's standard input.</summary>
    public async Task WriteLineAsync(string line)
    {
        await _process.StandardInput.WriteLineAsync(line).ConfigureAwait(false);
        await _process.StandardInput.FlushAsync().ConfigureAwait(false);
    }

    /// <summary>SIGKILL: the child (and, unless <paramref name="childOnly"/>, any process it started) dies at once, without any cleanup.</summary>
    /// <param name="childOnly">Signal the child alone, at once (finding a process tree first takes milliseconds).</param>
    public void Kill(bool childOnly = false)
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: !childOnly);
            }
        }
        catch (InvalidOperationException)
        {
            // Exited meanwhile.
        }
    }

    /// <summary>Asks the child to stop (closes its standard input); kills it when it has not exited within <paramref name="grace"/>.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (_process.HasExited)
        {
            return;
        }

        // Every child this class starts stops at the end of its standard input (raft-node --control-stdin, etcd's wrapper).
        CloseStdin();
        using var timer = new CancellationTokenSource(grace);
        try
        {
            await _process.WaitForExitAsync(timer.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Log($"== {DateTime.UtcNow:O} did not stop within {grace.TotalSeconds:F0} s: killed");
            Kill();
            await _process.WaitForExitAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Waits until the child has exited (after <see cref="Kill"/>).</summary>
    public Task WaitForExitAsync() => _process.WaitForExitAsync();

    public async ValueTask DisposeAsync()
    {
        Kill();
        await _process.WaitForExitAsync().ConfigureAwait(false);
        _process.Dispose();
        lock (_logLock)
        {
            _logClosed = true;
            _log.Dispose();
        }
    }

    private void CloseStdin()
    {
        if (_stdinClosed)
        {
            return;
        }

        _stdinClosed = true;
        try
        {
            _process.StandardInput.Close();
        }
        catch (IOException)
        {
            // The child is gone; its pipe is closed already.
        }
    }

    private void OnLine(string? line, bool stdout)
    {
        if (line is null)
        {
            if (stdout)
            {
                _lines.Writer.TryComplete();
            }

            return;
        }

        Log(line);
        if (stdout)
        {
            _lines.Writer.TryWrite(line);
        }
    }

    private void Log(string line)
    {
        lock (_logLock)
        {
            if (!_logClosed)
            {
                _log.WriteLine(line);
            }
        }
    }

    private string LogTail()
    {
        var lines = File.ReadAllLines(LogPath);
        return string.Join('\n', lines.Skip(Math.Max(0, lines.Length - 20)));
    }
}
