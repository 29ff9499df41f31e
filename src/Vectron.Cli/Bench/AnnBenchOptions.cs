using System.Collections.Frozen;
using Vectron.Cli.CommandLine;
using Vectron.Index;

namespace Vectron.Cli.Bench;

/// <summary>The arguments of <c>vectron bench ann</c>.</summary>
internal sealed record AnnBenchOptions
{
    /// <summary>The command as users type it, for messages.</summary>
    public const string CommandName = "vectron bench ann";

    /// <summary>Recall is reported at this depth, so k must be at least this large.</summary>
    public const int RecallDepth = 10;

    private static readonly FrozenSet<string> ValueOptions = FrozenSet.Create(
        StringComparer.Ordinal,
        [.. DatasetOptions.OptionNames, "m", "ef-construct", "ef", "quantization", "threads", "k", "warmup", "min-seconds", "jit-warmup"]);

    private static readonly FrozenSet<string> FlagOptions = FrozenSet.Create(StringComparer.Ordinal, "table");

    /// <summary>The data: a folder or a generated set.</summary>
    public DatasetOptions Data { get; init; } = new();

    public int M { get; init; } = 16;

    public int EfConstruction { get; init; } = 200;

    public int[] EfValues { get; init; } = [10, 16, 24, 32, 48, 64, 96, 128, 256];

    public QuantizationKind Quantization { get; init; } = QuantizationKind.None;

    public int Threads { get; init; } = Environment.ProcessorCount;

    public int K { get; init; } = 10;

    public bool Table { get; init; }

    public int Warmup { get; init; } = 100;

    /// <summary>Each timed pass repeats over the query set until it has run this long (at least one pass).</summary>
    public double MinSeconds { get; init; } = 0.2;

    /// <summary>Seconds of untimed searching after the build, before the first timed pass (see <see cref="JitWarmup"/>).</summary>
    public double JitWarmupSeconds { get; init; } = 1.0;

    /// <summary>Parses the arguments that follow <c>bench ann</c>.</summary>
    /// <exception cref="CliException">An argument is unknown, malformed or out of range.</exception>
    public static AnnBenchOptions Parse(IReadOnlyList<string> arguments)
    {
        ArgumentList list = ArgumentList.Parse(CommandName, arguments, ValueOptions, FlagOptions);
        string quantization = list.GetChoice("quantization", "none", "none", "int8");
        var options = new AnnBenchOptions
        {
            Data = DatasetOptions.Parse(list, minimumSyntheticCount: RecallDepth),
            M = list.GetInt32("m", 16, 2, 128),
            EfConstruction = list.GetInt32("ef-construct", 200, 1, 10_000),
            EfValues = list.GetInt32List("ef", [10, 16, 24, 32, 48, 64, 96, 128, 256], 1, 100_000),
            Quantization = quantization == "int8" ? QuantizationKind.Int8 : QuantizationKind.None,
            Threads = list.GetInt32("threads", Environment.ProcessorCount, 1, 1_024),
            K = list.GetInt32("k", 10, RecallDepth, 10_000),
            Table = list.Has("table"),
            Warmup = list.GetInt32("warmup", 100, 0, int.MaxValue),
            MinSeconds = list.GetDouble("min-seconds", 0.2, 0, 3_600),
            JitWarmupSeconds = list.GetDouble("jit-warmup", 1.0, 0, 3_600),
        };

        IndexBuilder.ValidateArguments(options.IndexOptions(dimension: 1, DistanceMetric.L2), "--m, --ef-construct");
        return options;
    }

    /// <summary>The index options these arguments ask for.</summary>
    public HnswOptions IndexOptions(int dimension, DistanceMetric metric) => new()
    {
        Dimension = dimension,
        Metric = metric,
        M = M,
        EfConstruction = EfConstruction,
        Quantization = Quantization,
    };
}
