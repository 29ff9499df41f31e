using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Vectron.Cli.CommandLine;
using Vectron.Server.Gateway;
using Vectron.Server.Node;

namespace Vectron.Cli.Serve;

/// <summary>
/// <c>vectron serve</c>: the single-node database. Opens the data directory, starts the node (placement
/// group, shard groups) and the REST gateway, prints where it listens, and runs until SIGTERM or
/// Ctrl-C, then stops the gateway (running requests finish), the Raft host and the log, in that order.
/// </summary>
internal sealed class ServeCommand(ServeOptions options, TextWriter output, TextWriter diagnostics)
{
    public int Run() => RunAsync().GetAwaiter().GetResult();

    private async Task<int> RunAsync()
    {
        using var stop = new CancellationTokenSource();
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            stop.Cancel();
        });
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, context =>
        {
            context.Cancel = true;
            stop.Cancel();
        });
        var level = options.LogLevel switch
        {
            "trace" => LogLevel.Trace,
            "debug" => LogLevel.Debug,
            "warning" => LogLevel.Warning,
            "error" => LogLevel.Error,
            "none" => LogLevel.None,
            _ => LogLevel.Information,
        };
        using var loggerFactory = LoggerFactory.Create(logging => logging
            .SetMinimumLevel(level)
            .AddFilter("Microsoft", LogLevel.Warning)
            .AddSimpleConsole(console =>
            {
                console.SingleLine = true;
                console.TimestampFormat = "HH:mm:ss.fff ";
            }));
        var logger = loggerFactory.CreateLogger("Vectron.Serve");
        var gatewayOptions = new GatewayOptions
        {
            Host = options.Host,
            Port = options.Port,
            Insecure = options.Insecure,
            MaxBodyBytes = (long)options.MaxBodyMegabytes << 20,
            ReadConcurrency = options.ReadConcurrency,
        };
        System.Net.IPAddress address;
        try
        {
            // Before the data directory is opened: a refused address changes nothing on disk.
            address = GatewayServer.CheckListenAddress(gatewayOptions);
        }
        catch (ArgumentException e)
        {
            throw CliException.Usage(e.Message);
        }
        var started = TimeProvider.System.GetTimestamp();
        VectronNode node;
        try
        {
            node = await VectronNode.StartAsync(new NodeOptions
            {
                DataDirectory = options.DataDirectory,
                DefaultShardNumber = options.DefaultShards,
                SnapshotEveryEntries = options.SnapshotEvery,
                SnapshotEveryBytes = (long)options.SnapshotEveryMegabytes << 20,
            }, ShardFactory.Create(loggerFactory), loggerFactory, stop.Token).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            throw new CliException(e.Message, CliException.InputExitCode);
        }
        await using (node.ConfigureAwait(false))
        {
            GatewayServer gateway;
            try
            {
                gateway = await GatewayServer.StartAsync(node, gatewayOptions, loggerFactory, stop.Token).ConfigureAwait(false);
            }
            catch (IOException e)
            {
                throw new CliException($"cannot listen on {options.Host}:{options.Port}: {e.Message}", CliException.InputExitCode);
            }
            await using (gateway.ConfigureAwait(false))
            {
                if (!System.Net.IPAddress.IsLoopback(address))
                {
                    ServeLog.InsecureListen(logger, options.Host);
                }
                double seconds = TimeProvider.System.GetElapsedTime(started).TotalSeconds;
                output.WriteLine($"vectron: REST API listening on {gateway.BaseAddress.ToString().TrimEnd('/')} (Qdrant-compatible; started in {seconds:0.000} s)");
                output.WriteLine($"vectron: gRPC port {options.GrpcPort} is reserved and not served yet");
                output.WriteLine($"vectron: data directory {node.DataDirectory}");
                output.Flush();
                try
                {
                    await Task.Delay(Timeout.Infinite, stop.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                }
                output.WriteLine("vectron: stopping");
                output.Flush();
                await gateway.StopAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
        diagnostics.Flush();
        output.WriteLine("vectron: stopped cleanly");
        return 0;
    }
}
