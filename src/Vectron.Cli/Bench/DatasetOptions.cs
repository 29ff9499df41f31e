using Vectron.Cli.CommandLine;
using Vectron.Cli.Datasets;
using Vectron.Index;

namespace Vectron.Cli.Bench;

/// <summary>
/// The options of the bench commands that choose the data: a dataset folder (<c>--dataset</c>), or a
/// Gaussian mixture generated in memory (<c>--synthetic-n</c>, <c>--synthetic-dim</c>, <c>--seed</c>).
/// </summary>
internal sealed record DatasetOptions
{
    /// <summary>Queries generated when <c>--queries</c> is absent.</summary>
    public const int DefaultSyntheticQueries = 200;

    /// <summary>Base vectors generated when <c>--synthetic-n</c> is absent.</summary>
    public const int DefaultSyntheticCount = 20_000;

    /// <summary>Dimension generated when <c>--synthetic-dim</c> is absent.</summary>
    public const int DefaultSyntheticDimension = 128;

    private static readonly string[] SyntheticOnly = ["synthetic-n", "synthetic-dim", "seed"];

    /// <summary>The names (without dashes) of the value options this record reads.</summary>
    public static IReadOnlyList<string> OptionNames { get; } = ["dataset", "metric", "queries", .. SyntheticOnly];

    /// <summary>The dataset folder, or <see langword="null"/> for a synthetic set.</summary>
    public string? Directory { get; init; }

    /// <summary>The metric, or <see langword="null"/> to take the dataset's (L2 for synthetic).</summary>
    public DistanceMetric? Metric { get; init; }

    /// <summary>Queries to use: the first this many of a dataset (all when null), or how many to generate (<see cref="DefaultSyntheticQueries"/> when null).</summary>
    public int? Queries { get; init; }

    public int SyntheticCount { get; init; } = DefaultSyntheticCount;

    public int SyntheticDimension { get; init; } = DefaultSyntheticDimension;

    public ulong Seed { get; init; } = SyntheticDataset.DefaultSeed;

    /// <summary>Reads the data options from a parsed command line.</summary>
    /// <param name="list">The command's arguments, parsed with <see cref="OptionNames"/> among its value options.</param>
    /// <param name="minimumSyntheticCount">The smallest <c>--synthetic-n</c> the command can use.</param>
    /// <exception cref="CliException">A value is malformed or out of range, or a generator option is combined with <c>--dataset</c>.</exception>
    public static DatasetOptions Parse(ArgumentList list, int minimumSyntheticCount)
    {
        string? directory = list.GetString("dataset");
        if (directory is not null)
        {
            foreach (string name in SyntheticOnly)
            {
                if (list.Has(name))
                {
                    throw CliException.Usage($"--{name} describes the generated dataset and cannot be combined with --dataset.");
                }
            }
        }

        string? metric = list.GetString("metric") is null ? null : list.GetChoice("metric", MetricNames.L2, MetricNames.L2, MetricNames.Cosine);
        return new DatasetOptions
        {
            Directory = directory,
            Metric = metric is null ? null : MetricNames.Parse(metric),
            Queries = list.GetString("queries") is null ? null : list.GetInt32("queries", 0, 1, int.MaxValue),
            SyntheticCount = list.GetInt32("synthetic-n", DefaultSyntheticCount, minimumSyntheticCount, 50_000_000),
            SyntheticDimension = list.GetInt32("synthetic-dim", DefaultSyntheticDimension, 1, HnswOptions.MaxDimension),
            Seed = list.GetUInt64("seed", SyntheticDataset.DefaultSeed),
        };
    }

    /// <summary>Loads the folder, or generates the set and its exact ground truth on <paramref name="threads"/> threads.</summary>
    /// <param name="minimumNeighbours">Ground-truth neighbours per query a folder must provide.</param>
    /// <param name="threads">Threads for the brute-force ground truth of a generated set.</param>
    /// <param name="diagnostics">Where progress messages go.</param>
    /// <exception cref="CliException">A file is missing, malformed or inconsistent with the others.</exception>
    public Dataset Load(int minimumNeighbours, int threads, TextWriter diagnostics)
    {
        if (Directory is string directory)
        {
            diagnostics.WriteLine($"loading {directory} ...");
            return DatasetLoader.Load(directory, Metric, Queries, minimumNeighbours);
        }

        int queries = Queries ?? DefaultSyntheticQueries;
        DistanceMetric metric = Metric ?? DistanceMetric.L2;
        diagnostics.WriteLine($"generating a synthetic Gaussian mixture: {SyntheticCount} x {SyntheticDimension}, " +
            $"{queries} queries, seed {Seed}; exact ground truth by brute force ...");
        return SyntheticDataset.Create(SyntheticCount, SyntheticDimension, queries, Seed, metric, threads);
    }
}
