using System.Collections.Frozen;
using Vectron.Cli.CommandLine;

namespace Vectron.Cli.Bench;

/// <summary>The arguments of <c>vectron bench raft</c>.</summary>
internal sealed record RaftBenchOptions
{
    /// <summary>The command as users type it, for messages.</summary>
    public const string CommandName = "vectron bench raft";

    private static readonly FrozenSet<string> ValueOptions = FrozenSet.Create(
        StringComparer.Ordinal, "members", "clients", "value-size", "seconds", "dir", "reps", "idle-groups", "heartbeat-ms", "election-ms", "warmup", "snapshot-every");

    private static readonly FrozenSet<string> FlagOptions = FrozenSet.Create(StringComparer.Ordinal, "processes", "vs-etcd");

    /// <summary>Members of the one Raft group (one host each, in this process).</summary>
    public int Members { get; init; } = 3;

    /// <summary>Concurrent clients, each proposing one write and awaiting its result before the next.</summary>
    public int Clients { get; init; } = 16;

    /// <summary>Bytes per written value.</summary>
    public int ValueSize { get; init; } = 256;

    /// <summary>Seconds of the timed phase.</summary>
    public double Seconds { get; init; } = 5;

    /// <summary>Where the members' logs are written; a new temporary directory when absent.</summary>
    public string? Directory { get; init; }

    /// <summary>Timed phases to run (each on a fresh group); medians are reported.</summary>
    public int Repetitions { get; init; } = 1;

    /// <summary>When above 0: instead of writes, start this many idle groups on the M hosts and measure the process's CPU once they settle.</summary>
    public int IdleGroups { get; init; }

    /// <summary>Whether the members run as separate <c>vectron raft-node</c> processes joined over RPC (else: hosts in this process, in-memory transport).</summary>
    public bool Processes { get; init; }

    /// <summary>With <see cref="Processes"/>: also measure an etcd cluster of the same size, in the same run.</summary>
    public bool VersusEtcd { get; init; }

    /// <summary>With <see cref="Processes"/>: the nodes' heartbeat interval in milliseconds (their Raft tick is 10 ms, or this when smaller).</summary>
    public int HeartbeatMilliseconds { get; init; } = 100;

    /// <summary>With <see cref="Processes"/>: the nodes' election timeout, in milliseconds.</summary>
    public int ElectionMilliseconds { get; init; } = 1000;

    /// <summary>
    /// With <see cref="Processes"/>: untimed seconds of writes to every system at once before the timed phases; null:
    /// S/5, at least <see cref="DefaultProcessWarmupSeconds"/>.
    /// </summary>
    public double? WarmupSeconds { get; init; }

    /// <summary>
    /// The least default warm-up with <see cref="Processes"/>, seconds: the nodes' runtime compiles code called about once a
    /// second in bursts for a minute after start, the largest at ~30 and ~60 s (30 calls to a promotion, two promotions
    /// under dynamic PGO).
    /// </summary>
    public const double DefaultProcessWarmupSeconds = 65;

    /// <summary>The warm-up <c>--processes</c> uses: <see cref="WarmupSeconds"/>, else S/5 and at least <see cref="DefaultProcessWarmupSeconds"/>.</summary>
    public double ProcessWarmupSeconds => WarmupSeconds ?? Math.Max(DefaultProcessWarmupSeconds, Seconds / 5.0);

    /// <summary>
    /// With <see cref="Processes"/>: both systems snapshot every this many entries (the nodes' <c>--snapshot-every</c>,
    /// etcd's <c>--snapshot-count</c>). Default 100,000, etcd 3.4's own default (the nodes' own is 10,000): a
    /// one-client repetition writes fewer entries than that; at hundreds of clients both snapshot several times,
    /// warm-up included.
    /// </summary>
    public int SnapshotEvery { get; init; } = DefaultSnapshotEvery;

    /// <summary>etcd 3.4's default <c>--snapshot-count</c>.</summary>
    public const int DefaultSnapshotEvery = 100_000;

    /// <summary>Parses the arguments that follow <c>bench raft</c>.</summary>
    /// <exception cref="CliException">An argument is unknown, malformed or out of range.</exception>
    public static RaftBenchOptions Parse(IReadOnlyList<string> arguments)
    {
        ArgumentList list = ArgumentList.Parse(CommandName, arguments, ValueOptions, FlagOptions);
        bool processes = list.Has("processes");
        if (!processes && (list.Has("vs-etcd") || list.Has("heartbeat-ms") || list.Has("election-ms") || list.Has("warmup") || list.Has("snapshot-every")))
        {
            throw CliException.Usage("--vs-etcd, --heartbeat-ms, --election-ms, --warmup and --snapshot-every need --processes.");
        }

        if (processes && list.Has("idle-groups"))
        {
            throw CliException.Usage("--idle-groups runs in one process; it cannot be combined with --processes.");
        }

        var (heartbeat, election) = FailoverBenchOptions.ParseTiming(list);
        return new RaftBenchOptions
        {
            Processes = processes,
            WarmupSeconds = list.Has("warmup") ? list.GetDouble("warmup", 3, 0, 3_600) : null,
            VersusEtcd = list.Has("vs-etcd"),
            HeartbeatMilliseconds = heartbeat,
            ElectionMilliseconds = election,
            Members = list.GetInt32("members", 3, 1, 7),
            Clients = list.GetInt32("clients", 16, 1, 4_096),
            ValueSize = list.GetInt32("value-size", 256, 0, 1 << 20),
            Seconds = list.GetDouble("seconds", 5, 0.1, 3_600),
            Directory = list.GetString("dir"),
            Repetitions = list.GetInt32("reps", 1, 1, 100),
            IdleGroups = list.GetInt32("idle-groups", 0, 0, 100_000),
            SnapshotEvery = list.GetInt32("snapshot-every", DefaultSnapshotEvery, 1, int.MaxValue),
        };
    }
}
