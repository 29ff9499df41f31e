using System.Globalization;

namespace Vectron.Simulation.Tests;

/// <summary>
/// Which seeds the simulation tests run. By default the CI budget: <see cref="CiRuns"/> seeds from 1, in chunks of
/// <see cref="RunsPerChunk"/>. Environment switches: <c>VECTRON_SIM_SEED=S</c> replays seed S alone;
/// <c>VECTRON_SIM_SEEDS=N</c> runs N seeds (from <c>VECTRON_SIM_FIRST_SEED</c>, default 1); <c>VECTRON_SIM_SWEEP=1</c>
/// runs seeds without end until one fails. <c>VECTRON_SIM_HISTORY_DIR</c> is where failing histories go (default: the
/// temporary directory).
/// </summary>
internal static class SimulationSeeds
{
    /// <summary>Runs in CI.</summary>
    public const int CiRuns = 500;

    /// <summary>Seeds per test case, so progress shows and a failure names a small range.</summary>
    public const int RunsPerChunk = 100;

    /// <summary>The count of an open-ended chunk.</summary>
    public const long Unbounded = -1;

    /// <summary>Where failing histories are written (null: the temporary directory).</summary>
    public static string? HistoryDirectory => Environment.GetEnvironmentVariable("VECTRON_SIM_HISTORY_DIR") is { Length: > 0 } directory ? directory : null;

    /// <summary>(first seed, count) per test case; a count of <see cref="Unbounded"/> runs until a failure.</summary>
    public static TheoryData<ulong, long> Chunks()
    {
        var data = new TheoryData<ulong, long>();
        if (Number("VECTRON_SIM_SEED") is ulong seed)
        {
            data.Add(seed, 1);
            return data;
        }

        ulong first = Number("VECTRON_SIM_FIRST_SEED") ?? 1;
        if (Environment.GetEnvironmentVariable("VECTRON_SIM_SWEEP") == "1")
        {
            data.Add(first, Unbounded);
            return data;
        }

        long runs = (long?)Number("VECTRON_SIM_SEEDS") ?? CiRuns;
        for (long start = 0; start < runs; start += RunsPerChunk)
        {
            data.Add(first + (ulong)start, Math.Min(RunsPerChunk, runs - start));
        }

        return data;
    }

    /// <summary>How to run one seed again, for failure messages.</summary>
    public static string Replay(ulong seed) =>
        $"replay: VECTRON_SIM_SEED={seed} dotnet test tests/Vectron.Simulation.Tests -c Release --filter \"FullyQualifiedName~ClusterSimulationTests\"  (or: ./vectron simulate --seeds 1 --seed {seed})";

    private static ulong? Number(string name) =>
        ulong.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.None, CultureInfo.InvariantCulture, out ulong value) ? value : null;
}
