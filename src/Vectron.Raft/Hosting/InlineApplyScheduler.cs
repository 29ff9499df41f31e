namespace Vectron.Raft.Hosting;

/// <summary>
/// Applies synchronously on the calling thread (the consensus loop): for deterministic simulations
/// and tests, where the state machine and snapshot store complete synchronously.
/// </summary>
public sealed class InlineApplyScheduler : IApplyScheduler
{
    /// <summary>The shared instance.</summary>
    public static InlineApplyScheduler Instance { get; } = new();

    /// <inheritdoc />
    public void Schedule(Func<ValueTask> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        var pending = work();
        if (!pending.IsCompleted)
        {
            // Only reached with an asynchronous state machine or store: wait, the simulation has no other thread.
            pending.AsTask().GetAwaiter().GetResult();
            return;
        }
        pending.GetAwaiter().GetResult();
    }
}
