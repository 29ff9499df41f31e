namespace Vectron.Raft.Hosting;

/// <summary>Applies on the thread pool: the default, so a slow state machine never runs on the consensus loop.</summary>
public sealed class ThreadPoolApplyScheduler : IApplyScheduler
{
    /// <summary>The shared instance.</summary>
    public static ThreadPoolApplyScheduler Instance { get; } = new();

    /// <inheritdoc />
    public void Schedule(Func<ValueTask> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        // The lane catches its own failures; the task is only observed through the lane.
        _ = Task.Run(() => work().AsTask());
    }
}
