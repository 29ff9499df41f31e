using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace Vectron.Cli.Bench.Processes;

/// <summary>
/// The child processes a benchmark starts, and the guarantee that none outlives it: disposing the group kills every
/// child still running, and so do SIGINT, SIGTERM and SIGHUP (Ctrl-C, a closed terminal) and the process exit, before
/// the runtime's default handling ends this process. A child that watches its standard input (the nodes with
/// <c>--control-stdin</c>, etcd through its wrapper) also stops when this process is killed outright, as the pipe closes.
/// </summary>
internal sealed class ChildProcessGroup : IAsyncDisposable
{
    private readonly ConcurrentDictionary<ChildProcess, byte> _children = new();
    private readonly List<PosixSignalRegistration> _signals;
    private readonly EventHandler _onExit;

    public ChildProcessGroup()
    {
        _signals = [.. ((PosixSignal[])[PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGHUP]).Select(signal => PosixSignalRegistration.Create(signal, _ => KillAll()))];
        _onExit = (_, _) => KillAll();
        AppDomain.CurrentDomain.ProcessExit += _onExit;
    }

    /// <summary>Starts <paramref name="fileName"/> with <paramref name="arguments"/>; its output lines are appended to <paramref name="logPath"/>.</summary>
    public ChildProcess Start(string name, string fileName, IReadOnlyList<string> arguments, string logPath, IReadOnlyDictionary<string, string>? environment = null)
    {
        var child = ChildProcess.Start(name, fileName, arguments, logPath, environment);
        _children[child] = 0;
        return child;
    }

    /// <summary>Forgets a child that has exited (or been killed) and will not be used again.</summary>
    public void Forget(ChildProcess child) => _children.TryRemove(child, out _);

    public async ValueTask DisposeAsync()
    {
        foreach (var signal in _signals)
        {
            signal.Dispose();
        }

        AppDomain.CurrentDomain.ProcessExit -= _onExit;
        await Task.WhenAll(_children.Keys.Select(child => child.StopAsync(TimeSpan.FromSeconds(10)))).ConfigureAwait(false);
        foreach (var child in _children.Keys)
        {
            await child.DisposeAsync().ConfigureAwait(false);
        }

        _children.Clear();
    }

    private void KillAll()
    {
        foreach (var child in _children.Keys)
        {
            child.Kill();
        }
    }
}
