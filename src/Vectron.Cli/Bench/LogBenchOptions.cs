using System.Collections.Frozen;
using Vectron.Cli.CommandLine;

namespace Vectron.Cli.Bench;

/// <summary>The arguments of <c>vectron bench log</c>.</summary>
internal sealed record LogBenchOptions
{
    /// <summary>The command as users type it, for messages.</summary>
    public const string CommandName = "vectron bench log";

    private static readonly FrozenSet<string> ValueOptions = FrozenSet.Create(
        StringComparer.Ordinal, "writers", "entry-size", "groups", "seconds", "dir", "segment-mb", "reps", "recovery-mb");

    private static readonly FrozenSet<string> FlagOptions = FrozenSet.Create<string>(StringComparer.Ordinal);

    /// <summary>Concurrent writers, each appending one entry and awaiting its sync before the next.</summary>
    public int Writers { get; init; } = 64;

    /// <summary>Payload bytes per entry.</summary>
    public int EntrySize { get; init; } = 256;

    /// <summary>Groups the writers spread over (writer w appends to group w mod groups).</summary>
    public int Groups { get; init; } = 1;

    /// <summary>Seconds each timed phase runs.</summary>
    public double Seconds { get; init; } = 5;

    /// <summary>Where the log and the raw-loop file are written; a new temporary directory when absent.</summary>
    public string? Directory { get; init; }

    /// <summary>Segment size in MiB.</summary>
    public int SegmentMegabytes { get; init; } = 64;

    /// <summary>Log and raw phases alternate this many times; medians are reported.</summary>
    public int Repetitions { get; init; } = 1;

    /// <summary>When above 0: also fill a log of this many MiB and time opening it against reading it sequentially twice.</summary>
    public int RecoveryMegabytes { get; init; }

    /// <summary>Parses the arguments that follow <c>bench log</c>.</summary>
    /// <exception cref="CliException">An argument is unknown, malformed or out of range.</exception>
    public static LogBenchOptions Parse(IReadOnlyList<string> arguments)
    {
        ArgumentList list = ArgumentList.Parse(CommandName, arguments, ValueOptions, FlagOptions);
        return new LogBenchOptions
        {
            Writers = list.GetInt32("writers", 64, 1, 4_096),
            EntrySize = list.GetInt32("entry-size", 256, 0, 16 << 20),
            Groups = list.GetInt32("groups", 1, 1, 1_000_000),
            Seconds = list.GetDouble("seconds", 5, 0.1, 3_600),
            Directory = list.GetString("dir"),
            SegmentMegabytes = list.GetInt32("segment-mb", 64, 1, 4_096),
            Repetitions = list.GetInt32("reps", 1, 1, 100),
            RecoveryMegabytes = list.GetInt32("recovery-mb", 0, 0, 1 << 20),
        };
    }
}
