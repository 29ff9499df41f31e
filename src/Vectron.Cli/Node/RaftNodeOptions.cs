using System.Collections.Frozen;
using System.Globalization;
using System.Net;
using Vectron.Cli.CommandLine;

namespace Vectron.Cli.Node;

/// <summary>The arguments of <c>vectron raft-node</c>.</summary>
internal sealed record RaftNodeOptions
{
    /// <summary>The command as users type it, for messages.</summary>
    public const string CommandName = "vectron raft-node";

    private static readonly FrozenSet<string> ValueOptions = FrozenSet.Create(
        StringComparer.Ordinal, "id", "data", "listen", "peers", "members", "heartbeat-ms", "election-ms", "tick-ms", "snapshot-every");

    private static readonly FrozenSet<string> FlagOptions = FrozenSet.Create(StringComparer.Ordinal, "control-stdin", "verbose");

    /// <summary>This node's id (non-zero).</summary>
    public required ulong NodeId { get; init; }

    /// <summary>The node's directory: <c>log/</c> (the write-ahead log) and <c>snapshots/</c>.</summary>
    public required string DataDirectory { get; init; }

    /// <summary>Where the RPC server listens (port 0: a free port, printed on the ready line).</summary>
    public IPEndPoint Listen { get; init; } = new(IPAddress.Loopback, 0);

    /// <summary>Known peer addresses (node id to <c>http://host:port</c>); more can arrive on standard input.</summary>
    public IReadOnlyDictionary<ulong, Uri> Peers { get; init; } = new Dictionary<ulong, Uri>();

    /// <summary>The group's founding members (the same list on every member).</summary>
    public required IReadOnlyList<ulong> Members { get; init; }

    /// <summary>Milliseconds between a leader's heartbeats (a whole number of ticks).</summary>
    public int HeartbeatMilliseconds { get; init; } = 100;

    /// <summary>
    /// Milliseconds per Raft tick. The election timeout is randomised in whole ticks, so a finer tick spreads the
    /// followers' timeouts over more values: with 100 ms ticks and a 1 s timeout two followers time out in the same tick
    /// one time in ten and split the vote, costing another timeout; with 10 ms ticks, one time in a hundred.
    /// </summary>
    public int TickMilliseconds { get; init; } = 10;

    /// <summary>The election timeout in milliseconds (randomised in [E, 2E) per election).</summary>
    public int ElectionMilliseconds { get; init; } = 1000;

    /// <summary>Entries applied between snapshots.</summary>
    public int SnapshotEveryEntries { get; init; } = 10_000;

    /// <summary>Whether standard input controls the node: <c>peers …</c> lines update addresses, end of input stops it.</summary>
    public bool ControlStdin { get; init; }

    /// <summary>Whether the node logs (information and above) to standard error.</summary>
    public bool Verbose { get; init; }

    /// <summary>Parses the arguments that follow <c>raft-node</c>.</summary>
    /// <exception cref="CliException">An argument is missing, unknown, malformed or out of range.</exception>
    public static RaftNodeOptions Parse(IReadOnlyList<string> arguments)
    {
        ArgumentList list = ArgumentList.Parse(CommandName, arguments, ValueOptions, FlagOptions);
        ulong id = list.GetUInt64("id", 0);
        if (id == 0)
        {
            throw CliException.Usage($"'{CommandName}' needs --id N with N > 0 (see '{CommandName} --help').");
        }

        var listed = ParsePeerList(list.GetString("peers") ?? string.Empty);
        var peers = listed.Where(peer => peer.Address is not null).ToDictionary(peer => peer.Id, peer => peer.Address!);
        List<ulong> members = list.GetString("members") is { } text
            ? [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(part => ParseId("members", part))]
            : [.. listed.Select(peer => peer.Id).Append(id).Distinct().Order()];
        if (!members.Contains(id))
        {
            throw CliException.Usage($"--members ({string.Join(',', members)}) must include this node's --id {id}.");
        }

        int heartbeat = list.GetInt32("heartbeat-ms", 100, 1, 60_000);
        int election = list.GetInt32("election-ms", 1000, 2, 600_000);
        if (election % heartbeat != 0 || election / heartbeat < 2)
        {
            throw CliException.Usage($"--election-ms ({election}) must be a multiple of --heartbeat-ms ({heartbeat}), at least twice it.");
        }

        int tick = list.GetInt32("tick-ms", Math.Min(10, heartbeat), 1, 60_000);
        if (heartbeat % tick != 0)
        {
            throw CliException.Usage($"--heartbeat-ms ({heartbeat}) must be a multiple of --tick-ms ({tick}).");
        }

        return new RaftNodeOptions
        {
            NodeId = id,
            DataDirectory = list.GetRequiredString("data"),
            Listen = ParseEndpoint("listen", list.GetString("listen") ?? "127.0.0.1:0"),
            Peers = peers,
            Members = members,
            HeartbeatMilliseconds = heartbeat,
            ElectionMilliseconds = election,
            TickMilliseconds = tick,
            SnapshotEveryEntries = list.GetInt32("snapshot-every", 10_000, 0, int.MaxValue),
            ControlStdin = list.Has("control-stdin"),
            Verbose = list.Has("verbose"),
        };
    }

    /// <summary>Parses <c>1=127.0.0.1:7001,2=127.0.0.1:7002</c> (an empty address after '=' means unknown yet).</summary>
    /// <exception cref="CliException">A part is malformed.</exception>
    public static Dictionary<ulong, Uri> ParsePeers(string text) =>
        ParsePeerList(text).Where(peer => peer.Address is not null).ToDictionary(peer => peer.Id, peer => peer.Address!);

    private static List<(ulong Id, Uri? Address)> ParsePeerList(string text)
    {
        var peers = new List<(ulong Id, Uri? Address)>();
        foreach (string part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw CliException.Usage($"--peers: expected ID=HOST:PORT, got '{part}'.");
            }

            ulong id = ParseId("peers", part[..equals]);
            string address = part[(equals + 1)..];
            peers.Add((id, address.Length > 0 ? new Uri($"http://{ParseEndpoint("peers", address)}") : null));
        }

        return peers;
    }

    private static ulong ParseId(string option, string text) =>
        ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out ulong id) && id > 0
            ? id
            : throw CliException.Usage($"--{option}: expected a node id above 0, got '{text}'.");

    private static IPEndPoint ParseEndpoint(string option, string text) =>
        IPEndPoint.TryParse(text, out var endpoint) && text.Contains(':', StringComparison.Ordinal)
            ? endpoint
            : throw CliException.Usage($"--{option}: expected an IP address and port such as 127.0.0.1:7001, got '{text}'.");
}
