using System.Globalization;
using Google.Protobuf;
using Vectron.Cli.CommandLine;
using Vectron.Rpc;
using Vectron.Rpc.Client;
using Vectron.Rpc.Protocol.Etcd;

namespace Vectron.Cli.Bench.Processes;

/// <summary>
/// An M-member etcd cluster on loopback (Debian's <c>etcd-server</c>, 3.4), started for a benchmark run: free ports
/// for the client and peer URLs, a data directory per member under the root, <c>--initial-cluster</c> naming all,
/// etcd's default timing stated explicitly (heartbeat 100 ms, election 1000 ms) and etcd's default durability (an
/// fsync per WAL write). Each member runs under <c>sh</c>, which stops it when its standard input closes, so no etcd
/// outlives the benchmark even when the benchmark itself is killed. Written to over etcd's own gRPC API
/// (<see cref="EtcdMethods"/>), with the same channel type as Vectron's nodes.
/// </summary>
internal sealed class EtcdCluster : IKvCluster
{
    /// <summary>How to install etcd, for the error when it is missing.</summary>
    public const string InstallHint = "sudo apt-get install -y etcd-server etcd-client";

    // Runs etcd in the background, stops it (SIGTERM) when standard input ends, and passes its exit status on.
    private const string Supervisor = "etcd \"$@\" </dev/null & child=$!; trap 'kill -TERM $child 2>/dev/null' TERM INT HUP; cat >/dev/null; kill -TERM $child 2>/dev/null; wait $child";
    private static readonly RpcCallOptions PutOptions = new() { Timeout = TimeSpan.FromSeconds(5) };
    private static readonly RpcCallOptions StatusOptions = new() { Timeout = TimeSpan.FromSeconds(2) };
    private readonly ChildProcessGroup _processes;
    private readonly string _root;
    private readonly List<ChildProcess> _children = [];
    private readonly RpcChannel[] _channels;
    private readonly ulong[] _memberIds;

    private EtcdCluster(ChildProcessGroup processes, string root, int members)
    {
        _processes = processes;
        _root = root;
        _channels = new RpcChannel[members];
        _memberIds = new ulong[members];
    }

    public string System => "etcd";

    public string Version { get; private set; } = "unknown";

    public int Members => _channels.Length;

    /// <summary>The process ids of the members' supervisors (each etcd is its child).</summary>
    public IReadOnlyList<int> ProcessIds => [.. _children.Select(c => c.Id)];

    /// <summary>The path of the etcd executable, or null when none is on PATH.</summary>
    public static string? FindExecutable() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin")
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, "etcd"))
            .FirstOrDefault(File.Exists);

    /// <summary>
    /// Starts the members (each snapshotting every <paramref name="snapshotCount"/> entries, etcd's
    /// <c>--snapshot-count</c>) and waits until each answers and all agree on a leader.
    /// </summary>
    /// <exception cref="CliException">etcd is not installed.</exception>
    public static async Task<EtcdCluster> StartAsync(ChildProcessGroup processes, string root, int members, int snapshotCount)
    {
        if (FindExecutable() is null)
        {
            throw new CliException($"--vs-etcd needs etcd 3.4 on PATH, and there is none; install it with: {InstallHint}", CliException.InputExitCode);
        }

        var cluster = new EtcdCluster(processes, root, members);
        try
        {
            int[] ports = FreePorts.Reserve(2 * members);
            string token = $"vectron-bench-{Guid.NewGuid():N}";
            string initialCluster = string.Join(',', Enumerable.Range(0, members).Select(i => $"m{i + 1}=http://127.0.0.1:{ports[(2 * i) + 1]}"));
            Directory.CreateDirectory(root);
            for (int i = 0; i < members; i++)
            {
                string client = $"http://127.0.0.1:{ports[2 * i]}";
                string peer = $"http://127.0.0.1:{ports[(2 * i) + 1]}";
                string[] arguments =
                [
                    "-c", Supervisor, "etcd-member",
                    "--name", $"m{i + 1}",
                    "--data-dir", Path.Combine(root, $"m{i + 1}.etcd"),
                    "--listen-client-urls", client,
                    "--advertise-client-urls", client,
                    "--listen-peer-urls", peer,
                    "--initial-advertise-peer-urls", peer,
                    "--initial-cluster", initialCluster,
                    "--initial-cluster-state", "new",
                    "--initial-cluster-token", token,
                    "--heartbeat-interval", "100",
                    "--election-timeout", "1000",
                    "--snapshot-count", snapshotCount.ToString(CultureInfo.InvariantCulture),
                    "--logger", "zap",
                    "--log-outputs", "stderr",
                    "--log-level", "warn",
                ];
                cluster._children.Add(processes.Start($"etcd member {i + 1}", "/bin/sh", arguments, Path.Combine(root, $"m{i + 1}.log")));
                cluster._channels[i] = new RpcChannel(new Uri(client), new RpcChannelOptions { CircuitBreaker = false, MaxRetries = 0 });
            }

            await cluster.WaitUntilServingAsync(TimeSpan.FromSeconds(60)).ConfigureAwait(false);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async Task<int> FindLeaderAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            var statuses = await Task.WhenAll(_channels.Select(StatusAsync)).ConfigureAwait(false);
            var leaders = statuses.Select(s => s?.Leader ?? 0).Distinct().ToArray();
            if (leaders is [var leader] && leader != 0 && Array.IndexOf(_memberIds, leader) is var index and >= 0)
            {
                return index;
            }

            await Task.Delay(20).ConfigureAwait(false);
        }

        throw new InvalidOperationException($"the {Members} etcd members agreed on no leader within {timeout.TotalSeconds:F0} s (logs in {_root})");
    }

    public async Task<KvPutResult> PutAsync(int member, ulong clientId, ulong requestId, ByteString key, ByteString value)
    {
        try
        {
            await _channels[member].UnaryAsync(EtcdMethods.Put, new PutRequest { Key = key, Value = value }, PutOptions).ConfigureAwait(false);
            return KvPutResult.Success;
        }
        catch (RpcException exception)
        {
            return new KvPutResult(false, -1, $"{exception.Status}: {exception.Message}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(_children.Select(child => child.StopAsync(TimeSpan.FromSeconds(10)))).ConfigureAwait(false);
        foreach (var child in _children)
        {
            _processes.Forget(child);
            await child.DisposeAsync().ConfigureAwait(false);
        }

        foreach (var channel in _channels)
        {
            channel?.Dispose();
        }
    }

    private static async Task<StatusResponse?> StatusAsync(RpcChannel channel)
    {
        try
        {
            return await channel.UnaryAsync(EtcdMethods.Status, new StatusRequest(), StatusOptions).ConfigureAwait(false);
        }
        catch (RpcException)
        {
            return null;
        }
    }

    private async Task WaitUntilServingAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var exited = _children.FirstOrDefault(child => child.HasExited);
            if (exited is not null)
            {
                throw new InvalidOperationException($"{exited.Name} exited during start; see {exited.LogPath}:\n{string.Join('\n', File.ReadLines(exited.LogPath).TakeLast(15))}");
            }

            var statuses = await Task.WhenAll(_channels.Select(StatusAsync)).ConfigureAwait(false);
            if (statuses.All(s => s is { Leader: not 0 }))
            {
                for (int i = 0; i < statuses.Length; i++)
                {
                    _memberIds[i] = statuses[i]!.Header.MemberId;
                }

                Version = statuses[0]!.Version;
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"the etcd cluster did not serve within {timeout.TotalSeconds:F0} s (logs in {_root})");
            }

            await Task.Delay(50).ConfigureAwait(false);
        }
    }
}
