using System.Collections.Frozen;
using System.Globalization;
using Vectron.Cli.CommandLine;
using Vectron.Index;

namespace Vectron.Cli.Bench;

/// <summary>The arguments of <c>vectron bench filter</c>.</summary>
internal sealed record FilterBenchOptions
{
    /// <summary>The command as users type it, for messages.</summary>
    public const string CommandName = "vectron bench filter";

    private static readonly FrozenSet<string> ValueOptions = FrozenSet.Create(
        StringComparer.Ordinal,
        [.. DatasetOptions.OptionNames, "m", "ef-construct", "ef", "k", "selectivities", "threads", "min-seconds", "jit-warmup"]);

    private static readonly FrozenSet<string> FlagOptions = FrozenSet.Create(StringComparer.Ordinal, "table");

    /// <summary>The selectivities measured when <c>--selectivities</c> is absent (a new array on every call).</summary>
    public static double[] DefaultSelectivities => [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2];

    /// <summary>The data: a folder or a generated set.</summary>
    public DatasetOptions Data { get; init; } = new();

    public int M { get; init; } = 16;

    public int EfConstruction { get; init; } = 200;

    public int Ef { get; init; } = 64;

    public int K { get; init; } = 10;

    /// <summary>The fractions of keys the filters admit, in increasing order, each a whole number of millionths.</summary>
    public double[] Selectivities { get; init; } = DefaultSelectivities;

    /// <summary>Build threads (and those of a generated set's ground truth); searches are timed on one thread.</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;

    public bool Table { get; init; }

    /// <summary>Each timed pass repeats over the query set until it has run this long (at least one pass).</summary>
    public double MinSeconds { get; init; } = 0.2;

    /// <summary>Seconds of untimed searching after the build, before the first timed pass (see <see cref="JitWarmup"/>).</summary>
    public double JitWarmupSeconds { get; init; } = 1.0;

    /// <summary>Parses the arguments that follow <c>bench filter</c>.</summary>
    /// <exception cref="CliException">An argument is unknown, malformed or out of range.</exception>
    public static FilterBenchOptions Parse(IReadOnlyList<string> arguments)
    {
        ArgumentList list = ArgumentList.Parse(CommandName, arguments, ValueOptions, FlagOptions);
        var options = new FilterBenchOptions
        {
            Data = DatasetOptions.Parse(list, minimumSyntheticCount: 1),
            M = list.GetInt32("m", 16, 2, 128),
            EfConstruction = list.GetInt32("ef-construct", 200, 1, 10_000),
            Ef = list.GetInt32("ef", 64, 1, 100_000),
            K = list.GetInt32("k", 10, 1, 10_000),
            Selectivities = ParseSelectivities(list),
            Threads = list.GetInt32("threads", Environment.ProcessorCount, 1, 1_024),
            Table = list.Has("table"),
            MinSeconds = list.GetDouble("min-seconds", 0.2, 0, 3_600),
            JitWarmupSeconds = list.GetDouble("jit-warmup", 1.0, 0, 3_600),
        };

        IndexBuilder.ValidateArguments(options.IndexOptions(dimension: 1, DistanceMetric.L2), "--m, --ef-construct");
        return options;
    }

    /// <summary>The index options these arguments ask for: float32, the planner's defaults.</summary>
    public HnswOptions IndexOptions(int dimension, DistanceMetric metric) => new()
    {
        Dimension = dimension,
        Metric = metric,
        M = M,
        EfConstruction = EfConstruction,
        DefaultEf = Ef,
    };

    private static double[] ParseSelectivities(ArgumentList list)
    {
        double[] values = list.GetDoubleList("selectivities", DefaultSelectivities, 0, 1);
        var seen = new HashSet<ulong>();
        for (int i = 0; i < values.Length; i++)
        {
            // Filters admit whole hash buckets; a value between two is measured at the nearer one.
            ulong buckets = KeyHashFilter.BucketsOf(values[i]);
            if (buckets == 0)
            {
                throw CliException.Usage(string.Create(CultureInfo.InvariantCulture,
                    $"--selectivities: {values[i]} admits nothing; the smallest selectivity is 0.000001 (one key in {KeyHashFilter.Buckets:N0})."));
            }

            if (!seen.Add(buckets))
            {
                throw CliException.Usage(string.Create(CultureInfo.InvariantCulture, $"--selectivities: {values[i]} is listed twice."));
            }

            values[i] = buckets / (double)KeyHashFilter.Buckets;
        }

        Array.Sort(values);
        return values;
    }
}
