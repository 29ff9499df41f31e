using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Vectron.Cli.CommandLine;
using Vectron.Raft.Hosting;
using Vectron.Rpc.Raft;
using Vectron.Rpc.Server;
using Vectron.Server.Consensus;
using Vectron.Storage.Files;
using Vectron.Storage.Log;

namespace Vectron.Cli.Node;

/// <summary>
/// <c>vectron raft-node</c>: one process of a multi-process Raft group, for the benchmarks that kill and restart
/// members. Hosts one <see cref="RaftHost"/> persisting to a <see cref="LogEngine"/> and a
/// <see cref="FileRaftSnapshotStore"/> under the data directory, one group with a key-value state machine
/// (<see cref="BenchKvStateMachine"/>), and an RPC server with the Raft transport and <see cref="BenchKvService"/>.
/// Prints one ready line (JSON: node, port, pid) once it serves; stops cleanly on SIGTERM or SIGINT (and, with
/// <c>--control-stdin</c>, at the end of standard input, so it never outlives the process that started it).
/// Restarting it on the same directory recovers the group from its snapshot and log.
/// </summary>
internal sealed class RaftNodeCommand(RaftNodeOptions options, TextWriter output, TextWriter diagnostics)
{
    /// <summary>The one group every node hosts.</summary>
    public const ulong GroupId = 1;

    /// <summary>A standard-input line that replaces peer addresses: <c>peers 1=127.0.0.1:7001,2=…</c>.</summary>
    public const string PeersCommand = "peers ";

    private readonly ConcurrentDictionary<ulong, Uri> _peers = new(options.Peers);

    public int Run() => RunAsync().GetAwaiter().GetResult();

    private async Task<int> RunAsync()
    {
        using var stop = new CancellationTokenSource();
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => Stop(context, stop));
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => Stop(context, stop));
        using var loggerFactory = options.Verbose
            ? LoggerFactory.Create(logging => logging
                .AddSimpleConsole(console => console.TimestampFormat = "HH:mm:ss.fff ")
                .AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace) // stdout carries only the ready line
                .SetMinimumLevel(LogLevel.Information)
                .AddFilter("Microsoft", LogLevel.Warning))
            : null;

        Directory.CreateDirectory(options.DataDirectory);
        using var engine = LogEngine.Open(new LogEngineOptions { Directory = Path.Combine(options.DataDirectory, "log") });
        var snapshots = FileRaftSnapshotStore.Open(PhysicalFileSystem.Instance, Path.Combine(options.DataDirectory, "snapshots"));
        var transport = new RpcRaftTransport(peer => _peers.GetValueOrDefault(peer), new RpcRaftTransportOptions
        {
            // A restarted peer is back within a second or two; do not wait longer than an election timeout to find it.
            ReconnectBackoffMin = TimeSpan.FromMilliseconds(20),
            ReconnectBackoffMax = TimeSpan.FromMilliseconds(Math.Min(1000, options.ElectionMilliseconds)),
            LoggerFactory = loggerFactory,
        });
        await using var disposeTransport = transport.ConfigureAwait(false);
        var host = new RaftHost(new RaftHostOptions
        {
            NodeId = options.NodeId,
            TickInterval = TimeSpan.FromMilliseconds(options.TickMilliseconds),
            HeartbeatTicks = options.HeartbeatMilliseconds / options.TickMilliseconds,
            ElectionTicks = options.ElectionMilliseconds / options.TickMilliseconds,
            // Operations time out after 5 s whatever the tick.
            OperationTimeoutTicks = Math.Max(1, 5000 / options.TickMilliseconds),
            // One group that is always busy in the benchmarks; a quiesced group would only delay noticing a dead leader.
            QuiesceAfterTicks = 0,
            SnapshotEveryEntries = options.SnapshotEveryEntries,
            RandomSeed = HashCode.Combine(Environment.TickCount64, Environment.ProcessId, options.NodeId),
            LoggerFactory = loggerFactory,
        }, new LogEngineRaftLogStore(engine), snapshots, transport);
        await using var disposeHost = host.ConfigureAwait(false);
        var service = new BenchKvService(host, GroupId);
        var router = service.Map(new RpcRouter(loggerFactory: loggerFactory).MapRaftTransport(transport));
        var server = await RpcServer.StartAsync(router, options.Listen, loggerFactory: loggerFactory, cancellationToken: stop.Token).ConfigureAwait(false);
        await using var disposeServer = server.ConfigureAwait(false);

        host.Start();
        ConnectPeers(transport, _peers.Keys);
        await host.StartGroupAsync(new RaftGroupConfig(GroupId, new BenchKvStateMachine()) { InitialMembers = options.Members }, stop.Token).ConfigureAwait(false);
        output.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["ready"] = true,
            ["node"] = options.NodeId,
            ["port"] = server.Address.Port,
            ["pid"] = Environment.ProcessId,
        }));
        output.Flush();

        if (options.ControlStdin)
        {
            // A thread of its own: reading standard input blocks, and a blocked pool thread would slow every RPC
            // (the pool starts with one thread per core). Background: the process ends without waiting for it.
            new Thread(() => ReadControl(transport, stop)) { IsBackground = true, Name = "raft-node stdin" }.Start();
        }

        try
        {
            await Task.Delay(Timeout.Infinite, stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Asked to stop: the disposals below run in reverse order (server, host, transport, log).
        }

        // Where the process's time went, for the benchmarks' post-mortems (the harness keeps this in the node's log).
        using (var self = System.Diagnostics.Process.GetCurrentProcess())
        {
            diagnostics.WriteLine($"raft-node {options.NodeId}: stopping; cpu {self.TotalProcessorTime.TotalSeconds:F2} s, " +
                $"gc gen0/gen1/gen2 {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)}, " +
                $"gc pauses {GC.GetTotalPauseDuration().TotalMilliseconds:F0} ms, allocated {GC.GetTotalAllocatedBytes() >> 20} MiB");
        }

        return 0;
    }

    private static void Stop(PosixSignalContext context, CancellationTokenSource stop)
    {
        context.Cancel = true;
        stop.Cancel();
    }

    /// <summary>
    /// Keeps a batch stream open to every other member (<see cref="RpcRaftTransport.Connect"/>): followers send each
    /// other nothing until an election, and a pre-vote that first had to set up a connection made split votes likelier.
    /// </summary>
    private void ConnectPeers(RpcRaftTransport transport, IEnumerable<ulong> peers)
    {
        foreach (ulong peer in peers)
        {
            if (peer != options.NodeId)
            {
                transport.Connect(peer);
            }
        }
    }

    /// <summary>Reads <c>peers …</c> lines until standard input ends, then stops the node.</summary>
    private void ReadControl(RpcRaftTransport transport, CancellationTokenSource stop)
    {
        try
        {
            while (Console.In.ReadLine() is { } line)
            {
                if (line.StartsWith(PeersCommand, StringComparison.Ordinal))
                {
                    try
                    {
                        var changed = new List<ulong>();
                        foreach (var (id, address) in RaftNodeOptions.ParsePeers(line[PeersCommand.Length..]))
                        {
                            if (_peers.TryGetValue(id, out var known) && known == address)
                            {
                                continue;
                            }

                            _peers[id] = address;
                            changed.Add(id);
                        }

                        // A moved peer: reconnect now rather than after the backoff of the attempts at its old address.
                        ConnectPeers(transport, changed);
                    }
                    catch (CliException exception)
                    {
                        diagnostics.WriteLine($"raft-node {options.NodeId}: bad control line: {exception.Message}");
                    }
                }
                else if (line.Length > 0)
                {
                    diagnostics.WriteLine($"raft-node {options.NodeId}: ignoring control line '{line}'");
                }
            }
        }
        catch (IOException exception)
        {
            diagnostics.WriteLine($"raft-node {options.NodeId}: standard input failed: {exception.Message}");
        }

        try
        {
            stop.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Stopped already.
        }
    }
}
