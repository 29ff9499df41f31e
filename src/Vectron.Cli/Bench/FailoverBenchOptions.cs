using System.Collections.Frozen;
using Vectron.Cli.CommandLine;

namespace Vectron.Cli.Bench;

/// <summary>The arguments of <c>vectron bench failover</c>.</summary>
internal sealed record FailoverBenchOptions
{
    /// <summary>The command as users type it, for messages.</summary>
    public const string CommandName = "vectron bench failover";

    private static readonly FrozenSet<string> ValueOptions = FrozenSet.Create(
        StringComparer.Ordinal, "kills", "clients", "value-size", "heartbeat-ms", "election-ms", "dir", "settle-seconds");

    private static readonly FrozenSet<string> FlagOptions = FrozenSet.Create<string>(StringComparer.Ordinal);

    /// <summary>Leader kills.</summary>
    public int Kills { get; init; } = 5;

    /// <summary>Concurrent writers keeping the group under load.</summary>
    public int Clients { get; init; } = 8;

    /// <summary>Bytes per written value.</summary>
    public int ValueSize { get; init; } = 256;

    /// <summary>The nodes' heartbeat interval in milliseconds (their Raft tick is 10 ms, or this when smaller).</summary>
    public int HeartbeatMilliseconds { get; init; } = 100;

    /// <summary>The nodes' election timeout, in milliseconds.</summary>
    public int ElectionMilliseconds { get; init; } = 1000;

    /// <summary>Seconds of steady load between a restarted node catching up and the next kill.</summary>
    public double SettleSeconds { get; init; } = 1;

    /// <summary>Where the nodes' directories go; a new temporary directory when absent.</summary>
    public string? Directory { get; init; }

    /// <summary>Parses the arguments that follow <c>bench failover</c>.</summary>
    /// <exception cref="CliException">An argument is unknown, malformed or out of range.</exception>
    public static FailoverBenchOptions Parse(IReadOnlyList<string> arguments)
    {
        ArgumentList list = ArgumentList.Parse(CommandName, arguments, ValueOptions, FlagOptions);
        var (heartbeat, election) = ParseTiming(list);
        return new FailoverBenchOptions
        {
            Kills = list.GetInt32("kills", 5, 1, 1_000),
            Clients = list.GetInt32("clients", 8, 1, 4_096),
            ValueSize = list.GetInt32("value-size", 256, 0, 1 << 20),
            HeartbeatMilliseconds = heartbeat,
            ElectionMilliseconds = election,
            SettleSeconds = list.GetDouble("settle-seconds", 1, 0, 600),
            Directory = list.GetString("dir"),
        };
    }

    /// <summary>--heartbeat-ms and --election-ms: the election timeout a whole number of heartbeats, at least two.</summary>
    internal static (int HeartbeatMs, int ElectionMs) ParseTiming(ArgumentList list)
    {
        int heartbeat = list.GetInt32("heartbeat-ms", 100, 1, 60_000);
        int election = list.GetInt32("election-ms", 1000, 2, 600_000);
        if (election % heartbeat != 0 || election / heartbeat < 2)
        {
            throw CliException.Usage($"--election-ms ({election}) must be a multiple of --heartbeat-ms ({heartbeat}), at least twice it.");
        }

        return (heartbeat, election);
    }
}
