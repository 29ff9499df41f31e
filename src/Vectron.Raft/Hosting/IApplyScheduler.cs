namespace Vectron.Raft.Hosting;

/// <summary>
/// Runs the apply lanes' work. The host schedules at most one work item per group at a time, so a
/// group's applies stay in order while different groups may apply in parallel.
/// </summary>
public interface IApplyScheduler
{
    /// <summary>Runs <paramref name="work"/> now or later, on any thread.</summary>
    void Schedule(Func<ValueTask> work);
}
