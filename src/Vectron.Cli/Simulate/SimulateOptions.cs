using System.Collections.Frozen;
using Vectron.Cli.CommandLine;

namespace Vectron.Cli.Simulate;

/// <summary>The arguments of <c>vectron simulate</c>.</summary>
internal sealed record SimulateOptions
{
    /// <summary>The command as users type it, for messages.</summary>
    public const string CommandName = "vectron simulate";

    private static readonly FrozenSet<string> ValueOptions = FrozenSet.Create(StringComparer.Ordinal, "seeds", "seed", "ticks", "history-dir");

    private static readonly FrozenSet<string> FlagOptions = FrozenSet.Create<string>(StringComparer.Ordinal);

    /// <summary>How many consecutive seeds to run.</summary>
    public int Seeds { get; init; } = 100;

    /// <summary>The first seed.</summary>
    public ulong FirstSeed { get; init; } = 1;

    /// <summary>Ticks of the fault phase of each run.</summary>
    public int FaultTicks { get; init; } = 300;

    /// <summary>Where failing histories are written; the temporary directory when absent.</summary>
    public string? HistoryDirectory { get; init; }

    /// <summary>Parses the arguments that follow <c>simulate</c>. <c>--seed S</c> alone replays that one seed.</summary>
    /// <exception cref="CliException">An argument is unknown, malformed or out of range.</exception>
    public static SimulateOptions Parse(IReadOnlyList<string> arguments)
    {
        ArgumentList list = ArgumentList.Parse(CommandName, arguments, ValueOptions, FlagOptions);
        return new SimulateOptions
        {
            Seeds = list.GetInt32("seeds", list.Has("seed") ? 1 : 100, 1, 100_000_000),
            FirstSeed = list.GetUInt64("seed", 1),
            FaultTicks = list.GetInt32("ticks", 300, 0, 1_000_000),
            HistoryDirectory = list.GetString("history-dir"),
        };
    }
}
