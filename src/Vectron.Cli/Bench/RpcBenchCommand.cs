using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Google.Protobuf;
using Vectron.Rpc;
using Vectron.Rpc.Client;
using Vectron.Rpc.Protocol.Internal;
using Vectron.Rpc.Server;

namespace Vectron.Cli.Bench;

/// <summary>
/// <c>vectron bench rpc</c>: unary round trips per second over loopback h2c with C concurrent callers (Vectron's gRPC
/// layer, and beside it the same request bytes POSTed to a bare echo endpoint on the same Kestrel setup, through an HttpClient with the channel's HTTP/2 settings:
/// the cost of the layer), and MB/s of a client stream of 1 MiB messages. One JSON object per measurement.
/// </summary>
internal sealed class RpcBenchCommand(RpcBenchOptions options, TextWriter output, TextWriter diagnostics)
{
    private const int ChunkBytes = 1 << 20;

    public int Run() => RunAsync().GetAwaiter().GetResult();

    private async Task<int> RunAsync()
    {
        var router = new RpcRouter(new RpcServerOptions { MaxReceiveMessageSize = 2 * ChunkBytes, MaxSendMessageSize = 2 * ChunkBytes }).MapDiagnostics(1);
        var server = await RpcServer.StartAsync(router, new IPEndPoint(IPAddress.Loopback, 0)).ConfigureAwait(false);
        await using var disposeServer = server.ConfigureAwait(false);
        var raw = await StartRawEchoAsync().ConfigureAwait(false);
        await using var disposeRaw = raw.ConfigureAwait(false);
        using var channel = new RpcChannel(server.Address, new RpcChannelOptions { MaxSendMessageSize = 2 * ChunkBytes, MaxReceiveMessageSize = 2 * ChunkBytes, CircuitBreaker = false });
        using var rawClient = new HttpClient(new SocketsHttpHandler { EnableMultipleHttp2Connections = true, InitialHttp2StreamWindowSize = 4 << 20 }) { BaseAddress = raw.Address };
        var payload = ByteString.CopyFrom(new byte[options.MessageSize]);
        var request = new EchoRequest { Payload = payload };
        byte[] rawBody = request.ToByteArray();

        foreach (int callers in options.Callers)
        {
            var rpcRuns = new List<(double Rate, double P50, double P99)>();
            var rawRuns = new List<(double Rate, double P50, double P99)>();
            for (int rep = 0; rep < options.Repetitions; rep++)
            {
                rpcRuns.Add(await TimeCallsAsync(callers, () => channel.UnaryAsync(DiagnosticsMethods.Echo, request)).ConfigureAwait(false));
                rawRuns.Add(await TimeCallsAsync(callers, () => PostRawAsync(rawClient, rawBody)).ConfigureAwait(false));
                diagnostics.WriteLine($"callers {callers} rep {rep + 1}: rpc {rpcRuns[^1].Rate:F0} calls/s, raw HTTP/2 {rawRuns[^1].Rate:F0} requests/s");
            }

            double rpcRate = LatencyStatistics.Median(rpcRuns.Select(r => r.Rate));
            double rawRate = LatencyStatistics.Median(rawRuns.Select(r => r.Rate));
            Write(new Dictionary<string, object>
            {
                ["benchmark"] = "rpc-unary",
                ["callers"] = callers,
                ["message_size"] = options.MessageSize,
                ["seconds"] = options.Seconds,
                ["reps"] = options.Repetitions,
                ["calls_per_sec"] = Math.Round(rpcRate),
                ["p50_ms"] = LatencyStatistics.RoundSignificant(LatencyStatistics.Median(rpcRuns.Select(r => r.P50)), 4),
                ["p99_ms"] = LatencyStatistics.RoundSignificant(LatencyStatistics.Median(rpcRuns.Select(r => r.P99)), 4),
                ["raw_http2_requests_per_sec"] = Math.Round(rawRate),
                ["rpc_vs_raw_http2"] = LatencyStatistics.RoundSignificant(rpcRate / rawRate, 4),
            });
        }

        if (options.StreamMegabytes > 0)
        {
            var rates = new List<double>();
            var chunk = new EchoRequest { Payload = ByteString.CopyFrom(new byte[ChunkBytes]) };
            for (int rep = 0; rep < options.Repetitions; rep++)
            {
                var watch = Stopwatch.StartNew();
                var call = channel.ClientStreaming(DiagnosticsMethods.Collect);
                await using (call.ConfigureAwait(false))
                {
                    for (int i = 0; i < options.StreamMegabytes; i++)
                    {
                        await call.WriteAsync(chunk).ConfigureAwait(false);
                    }

                    var summary = await call.CompleteAsync().ConfigureAwait(false);
                    if (summary.ReceivedBytes != (long)options.StreamMegabytes * ChunkBytes)
                    {
                        throw new InvalidOperationException($"the server received {summary.ReceivedBytes} bytes of {(long)options.StreamMegabytes * ChunkBytes}");
                    }
                }

                rates.Add(options.StreamMegabytes * (double)ChunkBytes / 1e6 / watch.Elapsed.TotalSeconds);
                diagnostics.WriteLine($"stream rep {rep + 1}: {rates[^1]:F0} MB/s");
            }

            Write(new Dictionary<string, object>
            {
                ["benchmark"] = "rpc-stream",
                ["chunk_bytes"] = ChunkBytes,
                ["megabytes"] = options.StreamMegabytes,
                ["reps"] = options.Repetitions,
                ["mb_per_sec"] = LatencyStatistics.RoundSignificant(LatencyStatistics.Median(rates), 4),
            });
        }

        return 0;
    }

    private async Task<(double Rate, double P50, double P99)> TimeCallsAsync(int callers, Func<Task> call)
    {
        // Warm-up: connections, JIT.
        await Task.WhenAll(Enumerable.Range(0, callers).Select(_ => call())).ConfigureAwait(false);
        var stop = Stopwatch.StartNew();
        var end = TimeSpan.FromSeconds(options.Seconds);
        var latencies = new List<double>[callers];
        await Task.WhenAll(Enumerable.Range(0, callers).Select(async index =>
        {
            var mine = latencies[index] = new List<double>(4096);
            while (stop.Elapsed < end)
            {
                long start = Stopwatch.GetTimestamp();
                await call().ConfigureAwait(false);
                mine.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
        })).ConfigureAwait(false);
        double seconds = stop.Elapsed.TotalSeconds;
        double[] all = [.. latencies.SelectMany(l => l)];
        return (all.Length / seconds, LatencyStatistics.Percentile(all, 50), LatencyStatistics.Percentile(all, 99));
    }

    private static async Task PostRawAsync(HttpClient client, byte[] body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/echo")
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(body),
        };
        using var response = await client.SendAsync(request).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        _ = await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
    }

    private static Task<RpcServer> StartRawEchoAsync() =>
        RpcServer.StartAsync(
            async context =>
            {
                var body = new MemoryStream();
                await context.Request.Body.CopyToAsync(body).ConfigureAwait(false);
                context.Response.ContentType = "application/octet-stream";
                await context.Response.Body.WriteAsync(body.GetBuffer().AsMemory(0, (int)body.Length)).ConfigureAwait(false);
            },
            new IPEndPoint(IPAddress.Loopback, 0));

    private void Write(Dictionary<string, object> fields)
    {
        output.WriteLine(JsonSerializer.Serialize(fields));
        output.Flush();
    }
}
