using System.Collections.Frozen;
using Vectron.Cli.CommandLine;
using Vectron.Cli.Datasets;
using Vectron.Index;

namespace Vectron.Cli.Bench;

/// <summary>The arguments of <c>vectron bench ann-engine</c>: the peers harness's engine protocol.</summary>
internal sealed record AnnEngineOptions
{
    /// <summary>The command as users type it, for messages.</summary>
    public const string CommandName = "vectron bench ann-engine";

    private static readonly FrozenSet<string> ValueOptions = FrozenSet.Create(
        StringComparer.Ordinal,
        "base", "query", "metric", "k", "sweep", "build-threads", "search-threads", "params", "out-dir", "warmup", "jit-warmup");

    private static readonly FrozenSet<string> FlagOptions = FrozenSet.Create(StringComparer.Ordinal, "build-1t");

    /// <summary>The harness's ef sweep, used when <c>--sweep</c> is absent (a new array on every call).</summary>
    public static int[] DefaultSweep => [10, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512];

    public required string BasePath { get; init; }

    public required string QueryPath { get; init; }

    public DistanceMetric Metric { get; init; } = DistanceMetric.L2;

    public int K { get; init; } = 10;

    public int[] Sweep { get; init; } = DefaultSweep;

    public int BuildThreads { get; init; } = 2;

    public int[] SearchThreads { get; init; } = [1, 2];

    public EngineParameters Parameters { get; init; } = EngineParameters.Default;

    public string OutDirectory { get; init; } = ".";

    public bool BuildSingleThreaded { get; init; }

    public int Warmup { get; init; } = 100;

    /// <summary>Seconds of untimed searching after the build, before the first timed pass (see <see cref="JitWarmup"/>).</summary>
    public double JitWarmupSeconds { get; init; } = 1.0;

    /// <summary>The index options these arguments ask for.</summary>
    public HnswOptions IndexOptions(int dimension) => new()
    {
        Dimension = dimension,
        Metric = Metric,
        M = Parameters.M,
        EfConstruction = Parameters.EfConstruction,
        Quantization = Parameters.Quantization,
    };

    /// <summary>Parses the arguments that follow <c>bench ann-engine</c>.</summary>
    /// <exception cref="CliException">An argument is missing, unknown or out of range.</exception>
    public static AnnEngineOptions Parse(IReadOnlyList<string> arguments)
    {
        ArgumentList list = ArgumentList.Parse(CommandName, arguments, ValueOptions, FlagOptions);
        var options = new AnnEngineOptions
        {
            BasePath = list.GetRequiredString("base"),
            QueryPath = list.GetRequiredString("query"),
            Metric = MetricNames.Parse(list.GetChoice("metric", MetricNames.L2, MetricNames.L2, MetricNames.Cosine)),
            K = list.GetInt32("k", 10, 1, 10_000),
            Sweep = list.GetInt32List("sweep", DefaultSweep, 1, 100_000),
            BuildThreads = list.GetInt32("build-threads", 2, 1, 1_024),
            SearchThreads = list.GetInt32List("search-threads", [1, 2], 1, 1_024),
            Parameters = EngineParameters.Parse(list.GetString("params") ?? "{}"),
            OutDirectory = list.GetString("out-dir") ?? ".",
            BuildSingleThreaded = list.Has("build-1t"),
            Warmup = list.GetInt32("warmup", 100, 0, int.MaxValue),
            JitWarmupSeconds = list.GetDouble("jit-warmup", 1.0, 0, 3_600),
        };

        try
        {
            options.IndexOptions(dimension: 1).Validate();
        }
        catch (ArgumentException e)
        {
            throw CliException.Usage($"--params: {CliException.MessageOf(e)}");
        }

        return options;
    }
}
