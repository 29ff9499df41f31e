using System.Collections.Frozen;
using Vectron.Cli.CommandLine;

namespace Vectron.Cli.Bench;

/// <summary>The arguments of <c>vectron bench shard</c>.</summary>
internal sealed record ShardBenchOptions
{
    /// <summary>The command as users type it, for messages.</summary>
    public const string CommandName = "vectron bench shard";

    private static readonly FrozenSet<string> ValueOptions = FrozenSet.Create(
        StringComparer.Ordinal, [.. DatasetOptions.OptionNames, "m", "ef-construct", "ef", "batch", "indexer-threads", "groups", "dir", "reps"]);

    private static readonly FrozenSet<string> FlagOptions = FrozenSet.Create(StringComparer.Ordinal, "raw");

    /// <summary>The data: a dataset folder or a generated set.</summary>
    public DatasetOptions Data { get; init; } = new();

    /// <summary>HNSW links per node.</summary>
    public int M { get; init; } = 16;

    /// <summary>HNSW candidate list size while inserting.</summary>
    public int EfConstruct { get; init; } = 100;

    /// <summary>The ef values searched with.</summary>
    public int[] Ef { get; init; } = [64, 128];

    /// <summary>Points per upsert command.</summary>
    public int Batch { get; init; } = 256;

    /// <summary>Threads the shard's indexer inserts with.</summary>
    public int IndexerThreads { get; init; } = 2;

    /// <summary>Distinct values of the payload field <c>group</c>; a filter on one value admits 1/groups of the points.</summary>
    public int Groups { get; init; } = 100;

    /// <summary>Timed search passes per ef (shard and bare index alternating); medians are reported.</summary>
    public int Repetitions { get; init; } = 3;

    /// <summary>Where the snapshot file is written; a new temporary directory when absent.</summary>
    public string? Directory { get; init; }

    /// <summary>Also build a bare <c>HnswIndex</c> from the same vectors and search it, for comparison.</summary>
    public bool Raw { get; init; }

    /// <summary>Parses the arguments that follow <c>bench shard</c>.</summary>
    /// <exception cref="CliException">An argument is unknown, malformed or out of range.</exception>
    public static ShardBenchOptions Parse(IReadOnlyList<string> arguments)
    {
        ArgumentList list = ArgumentList.Parse(CommandName, arguments, ValueOptions, FlagOptions);
        return new ShardBenchOptions
        {
            Data = DatasetOptions.Parse(list, minimumSyntheticCount: 1),
            M = list.GetInt32("m", 16, 2, 128),
            EfConstruct = list.GetInt32("ef-construct", 100, 2, 10_000),
            Ef = list.GetInt32List("ef", [64, 128], 1, 100_000),
            Batch = list.GetInt32("batch", 256, 1, 1_000_000),
            IndexerThreads = list.GetInt32("indexer-threads", 2, 1, 1_024),
            Groups = list.GetInt32("groups", 100, 1, 1_000_000),
            Directory = list.GetString("dir"),
            Repetitions = list.GetInt32("reps", 3, 1, 100),
            Raw = list.Has("raw"),
        };
    }
}
