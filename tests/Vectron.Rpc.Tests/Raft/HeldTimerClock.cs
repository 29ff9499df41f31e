using System.Threading.Channels;

namespace Vectron.Rpc.Tests.Raft;

/// <summary>
/// A clock for the transport's reconnect backoff: every timer shorter than <see cref="HoldBelow"/> waits until the test
/// fires it (<see cref="NextHeldAsync"/> hands them over in creation order, with their due time); longer ones (a
/// call's 500 ms grace for its status after a failed write) fire at once. Timestamps are the system's.
/// </summary>
internal sealed class HeldTimerClock(TimeSpan holdBelow) : TimeProvider
{
    private readonly Channel<HeldTimer> _held = Channel.CreateUnbounded<HeldTimer>();

    public TimeSpan HoldBelow { get; } = holdBelow;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new HeldTimer(callback, state, dueTime);
        if (dueTime != Timeout.InfiniteTimeSpan && dueTime < HoldBelow)
        {
            _held.Writer.TryWrite(timer);
        }
        else if (dueTime != Timeout.InfiniteTimeSpan)
        {
            ThreadPool.QueueUserWorkItem(_ => timer.Fire());
        }

        return timer;
    }

    /// <summary>The next held timer (waiting up to 30 s of real time for one to be created).</summary>
    public async Task<HeldTimer> NextHeldAsync() => await _held.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));

    /// <summary>Whether a held timer is waiting to be taken.</summary>
    public bool HasHeld => _held.Reader.Count > 0;

    internal sealed class HeldTimer(TimerCallback callback, object? state, TimeSpan dueTime) : ITimer
    {
        private int _done;

        public TimeSpan DueTime { get; } = dueTime;

        /// <summary>Runs the callback (once; not after <see cref="Dispose"/>).</summary>
        public void Fire()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0)
            {
                callback(state);
            }
        }

        public bool Change(TimeSpan dueTime, TimeSpan period) => false;

        public void Dispose() => Interlocked.Exchange(ref _done, 1);

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
