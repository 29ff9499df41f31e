using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;

namespace Vectron.Cli.Bench;

/// <summary>
/// A fixed set of threads that run items 0..count−1 of a job, each taking the next item from a shared
/// counter (dynamic split, batch size 1), like the harness's C++ engine. The calling thread is worker
/// 0; the others live as long as the group and wait at a barrier between jobs, so a job's time does
/// not include starting threads (which on a 100-query pass would cost more than the queries).
/// </summary>
/// <remarks>One job at a time: <see cref="Run"/> must not be called concurrently.</remarks>
internal sealed class WorkerGroup : IDisposable
{
    private readonly Thread[] _helpers;
    private readonly Barrier _barrier;
    private readonly Lock _failureLock = new();
    private Action<int, int>? _body;
    private int _count;
    private int _next;
    private bool _disposed;
    private ExceptionDispatchInfo? _failure;

    /// <summary>Starts <paramref name="threads"/> − 1 helper threads.</summary>
    public WorkerGroup(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        Threads = threads;
        _barrier = new Barrier(threads);
        _helpers = new Thread[threads - 1];
        for (int i = 0; i < _helpers.Length; i++)
        {
            int worker = i + 1;
            _helpers[i] = new Thread(() => HelperLoop(worker)) { IsBackground = true, Name = $"bench-worker-{worker}" };
            _helpers[i].Start();
        }
    }

    /// <summary>Number of threads, the caller included.</summary>
    public int Threads { get; }

    /// <summary>
    /// Runs items 0..count−1 on a new group of <paramref name="threads"/> threads, then stops them;
    /// for one-off jobs (builds, ground truth).
    /// </summary>
    public static void RunOnce(int count, int threads, Action<int, int> body)
    {
        using var group = new WorkerGroup(threads);
        group.Run(count, body);
    }

    /// <summary>
    /// Calls <paramref name="body"/>(item, worker) for every item; <c>worker</c> is 0..Threads−1, so
    /// callers can keep per-thread scratch. Returns when every item is done; the first exception of
    /// any worker is rethrown on the caller.
    /// </summary>
    public void Run(int count, Action<int, int> body)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (Threads == 1)
        {
            for (int i = 0; i < count; i++)
            {
                body(i, 0);
            }

            return;
        }

        _body = body;
        _count = count;
        _next = -1;
        _failure = null;

        // The barrier orders these writes before the helpers read them, and the helpers' work before
        // the caller continues past the second phase.
        _barrier.SignalAndWait();
        Work(0);
        _barrier.SignalAndWait();
        _body = null;
        _failure?.Throw();
    }

    /// <summary>Stops the helper threads.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (Threads > 1)
        {
            // Releases the helpers from their wait; they see _disposed and exit.
            _barrier.SignalAndWait();
            foreach (Thread helper in _helpers)
            {
                helper.Join();
            }
        }

        _barrier.Dispose();
    }

    private void HelperLoop(int worker)
    {
        while (true)
        {
            _barrier.SignalAndWait();
            if (_disposed)
            {
                return;
            }

            Work(worker);
            _barrier.SignalAndWait();
        }
    }

    // Fully optimised at once, so no on-stack replacement compiles inside a timed pass.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Work(int worker)
    {
        Action<int, int> body = _body!;
        try
        {
            int item;
            while ((item = Interlocked.Increment(ref _next)) < _count)
            {
                body(item, worker);
            }
        }
#pragma warning disable CA1031 // Any failure is handed back to the caller's thread, which rethrows it.
        catch (Exception e)
#pragma warning restore CA1031
        {
            lock (_failureLock)
            {
                _failure ??= ExceptionDispatchInfo.Capture(e);
            }

            // Stop the other workers early.
            Volatile.Write(ref _next, int.MaxValue / 2);
        }
    }
}
