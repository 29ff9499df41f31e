using System.Collections.Frozen;
using Vectron.Cli.CommandLine;

namespace Vectron.Cli.Bench;

/// <summary>The arguments of <c>vectron bench rest</c>.</summary>
internal sealed record RestBenchOptions
{
    /// <summary>The command as users type it, for messages.</summary>
    public const string CommandName = "vectron bench rest";

    private static readonly FrozenSet<string> ValueOptions = FrozenSet.Create(
        StringComparer.Ordinal, [.. DatasetOptions.OptionNames, "shards", "batch", "clients", "baseline-threads", "ef", "seconds", "dir"]);

    /// <summary>The data: a dataset folder or a generated set.</summary>
    public DatasetOptions Data { get; init; } = new();

    /// <summary>Shards of the collection.</summary>
    public int Shards { get; init; } = 2;

    /// <summary>Points per upsert request.</summary>
    public int Batch { get; init; } = 500;

    /// <summary>Concurrent HTTP clients for the search measurement.</summary>
    public int Clients { get; init; } = 8;

    /// <summary>Threads of the in-process baseline (the same shards searched without HTTP).</summary>
    public int BaselineThreads { get; init; } = 2;

    /// <summary>The hnsw_ef values searched with.</summary>
    public int[] Ef { get; init; } = [16, 32, 64, 128];

    /// <summary>Seconds per search measurement.</summary>
    public double Seconds { get; init; } = 5;

    /// <summary>The server's data directory; a new temporary directory when absent.</summary>
    public string? Directory { get; init; }

    /// <summary>Parses the arguments that follow <c>bench rest</c>.</summary>
    public static RestBenchOptions Parse(IReadOnlyList<string> arguments)
    {
        ArgumentList list = ArgumentList.Parse(CommandName, arguments, ValueOptions, FrozenSet<string>.Empty);
        return new RestBenchOptions
        {
            Data = DatasetOptions.Parse(list, minimumSyntheticCount: 1),
            Shards = list.GetInt32("shards", 2, 1, 1024),
            Batch = list.GetInt32("batch", 500, 1, 100_000),
            Clients = list.GetInt32("clients", 8, 1, 1024),
            BaselineThreads = list.GetInt32("baseline-threads", 2, 1, 1024),
            Ef = list.GetInt32List("ef", [16, 32, 64, 128], 1, 100_000),
            Seconds = list.GetDouble("seconds", 5, 0.1, 3600),
            Directory = list.GetString("dir"),
        };
    }
}
