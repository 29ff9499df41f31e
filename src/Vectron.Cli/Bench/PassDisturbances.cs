using System.Runtime;

namespace Vectron.Cli.Bench;

/// <summary>
/// What the runtime did during a timed pass that could have inflated it: garbage collections and
/// methods compiled by the JIT (tier-ups included). Reported on the diagnostics stream so a slow
/// sweep point can be told apart from a slow search.
/// </summary>
internal readonly record struct PassDisturbances(int Gen0, int Gen1, int Gen2, long JitMethods, TimeSpan JitTime, TimeSpan PauseTime)
{
    /// <summary>Counters at the start of a pass.</summary>
    public static PassDisturbances Start() => new(
        GC.CollectionCount(0),
        GC.CollectionCount(1),
        GC.CollectionCount(2),
        JitInfo.GetCompiledMethodCount(),
        JitInfo.GetCompilationTime(),
        GC.GetTotalPauseDuration());

    /// <summary>What changed since <see langword="this"/> was taken, in words.</summary>
    public string Describe()
    {
        PassDisturbances now = Start();
        return $"during it: {now.Gen0 - Gen0} gen0 / {now.Gen1 - Gen1} gen1 / {now.Gen2 - Gen2} gen2 GCs " +
            $"({(now.PauseTime - PauseTime).TotalMilliseconds:F2} ms paused), " +
            $"{now.JitMethods - JitMethods} methods JIT-compiled ({(now.JitTime - JitTime).TotalMilliseconds:F2} ms)";
    }
}
