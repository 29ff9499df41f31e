namespace Vectron.Cli;

/// <summary>
/// Runtime settings of the process that drives the multi-process benchmarks (<c>bench raft --processes</c>,
/// <c>bench failover</c>), which shares the machine's cores with the systems it measures. Idle thread-pool workers
/// spin (<c>sched_yield</c>) before they sleep; one client waiting for one write at a time spent about half a core
/// spinning (29 % of all CPU samples of a two-core run, <c>perf record</c>, bench/results/2026-11-25), CPU the
/// members under test (Vectron's or etcd's alike) then lacked. The benchmarks' node processes already run with the
/// spin off (<c>VectronProcessCluster.NodeEnvironment</c>); this turns it off for the client as well. It must run
/// before the thread pool starts its first worker, which reads the setting once: first thing in <c>Main</c>.
/// </summary>
internal static class LoadClientRuntime
{
    /// <summary>The runtime setting (runtimeconfig name) of the workers' spin before sleeping.</summary>
    public const string SpinLimitSetting = "System.Threading.ThreadPool.UnfairSemaphoreSpinLimit";

    /// <summary>Turns the spin off when <paramref name="args"/> name a multi-process benchmark; true if it did.</summary>
    public static bool ConfigureFor(IReadOnlyList<string> args)
    {
        if (!DrivesProcesses(args) || AppContext.GetData(SpinLimitSetting) is not null)
        {
            return false; // not a load client, or the setting was given explicitly (runtimeconfig)
        }

        AppContext.SetData(SpinLimitSetting, "0");
        return true;
    }

    /// <summary>Whether the command runs clients against separate server processes.</summary>
    internal static bool DrivesProcesses(IReadOnlyList<string> args) =>
        args.Count >= 2 && args[0] == "bench"
        && (args[1] == "failover" || (args[1] == "raft" && args.Contains("--processes")));
}
