using System.Collections.Frozen;
using Vectron.Cli.CommandLine;

namespace Vectron.Cli.Bench;

/// <summary>The arguments of <c>vectron bench rpc</c>.</summary>
internal sealed record RpcBenchOptions
{
    /// <summary>The command as users type it, for messages.</summary>
    public const string CommandName = "vectron bench rpc";

    private static readonly FrozenSet<string> ValueOptions = FrozenSet.Create(
        StringComparer.Ordinal, "callers", "message-size", "seconds", "reps", "stream-mb");

    private static readonly FrozenSet<string> FlagOptions = FrozenSet.Create<string>(StringComparer.Ordinal);

    /// <summary>Concurrent callers per unary run, one run each.</summary>
    public IReadOnlyList<int> Callers { get; init; } = [1, 64];

    /// <summary>Payload bytes per unary request.</summary>
    public int MessageSize { get; init; } = 64;

    /// <summary>Seconds of each timed unary phase.</summary>
    public double Seconds { get; init; } = 3;

    /// <summary>Timed phases per measurement; medians are reported.</summary>
    public int Repetitions { get; init; } = 3;

    /// <summary>MiB sent in 1 MiB messages by the streaming measurement.</summary>
    public int StreamMegabytes { get; init; } = 256;

    /// <summary>Parses the arguments that follow <c>bench rpc</c>.</summary>
    /// <exception cref="CliException">An argument is unknown, malformed or out of range.</exception>
    public static RpcBenchOptions Parse(IReadOnlyList<string> arguments)
    {
        ArgumentList list = ArgumentList.Parse(CommandName, arguments, ValueOptions, FlagOptions);
        return new RpcBenchOptions
        {
            Callers = list.GetInt32List("callers", [1, 64], 1, 4_096),
            MessageSize = list.GetInt32("message-size", 64, 0, 1 << 20),
            Seconds = list.GetDouble("seconds", 3, 0.1, 3_600),
            Repetitions = list.GetInt32("reps", 3, 1, 100),
            StreamMegabytes = list.GetInt32("stream-mb", 256, 0, 1 << 20),
        };
    }
}
