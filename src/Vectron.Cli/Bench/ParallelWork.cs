using System.Runtime.ExceptionServices;

namespace Vectron.Cli.Bench;

/// <summary>
/// Runs items 0..count−1 on a fixed number of dedicated threads that take the next item from a
/// shared counter one at a time (dynamic split, batch size 1), like the harness's C++ engine.
/// </summary>
internal static class ParallelWork
{
    /// <summary>
    /// Calls <paramref name="body"/>(item, worker) for every item; <c>worker</c> is 0..threads−1, so
    /// callers can keep per-thread scratch. One thread runs inline on the caller. The first exception
    /// of any worker is rethrown after all threads stop.
    /// </summary>
    public static void Run(int count, int threads, Action<int, int> body)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        if (threads == 1 || count <= 1)
        {
            for (int i = 0; i < count; i++)
            {
                body(i, 0);
            }

            return;
        }

        var state = new SharedState(count, body);
        var workers = new Thread[threads];
        for (int t = 0; t < threads; t++)
        {
            int worker = t;
            workers[t] = new Thread(() => state.Work(worker)) { IsBackground = true, Name = $"bench-worker-{worker}" };
            workers[t].Start();
        }

        foreach (Thread thread in workers)
        {
            thread.Join();
        }

        state.Failure?.Throw();
    }

    private sealed class SharedState(int count, Action<int, int> body)
    {
        private readonly Lock _failureLock = new();
        private int _next = -1;

        public ExceptionDispatchInfo? Failure { get; private set; }

        public void Work(int worker)
        {
            try
            {
                int item;
                while ((item = Interlocked.Increment(ref _next)) < count)
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
                    Failure ??= ExceptionDispatchInfo.Capture(e);
                }

                // Stop the other workers early.
                Volatile.Write(ref _next, int.MaxValue / 2);
            }
        }
    }
}
