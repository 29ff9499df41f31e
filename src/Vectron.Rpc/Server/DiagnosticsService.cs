using Vectron.Rpc.Protocol.Internal;

namespace Vectron.Rpc.Server;

/// <summary>The <c>Diagnostics</c> service every node serves: ping, and echo in the four call shapes.</summary>
public static class DiagnosticsService
{
    /// <summary>Maps the service's methods onto <paramref name="router"/>, answering pings as node <paramref name="nodeId"/>.</summary>
    public static RpcRouter MapDiagnostics(this RpcRouter router, ulong nodeId)
    {
        ArgumentNullException.ThrowIfNull(router);
        string version = typeof(DiagnosticsService).Assembly.GetName().Version?.ToString() ?? "0";
        var time = router.Options.TimeProvider;
        return router
            .MapUnary(DiagnosticsMethods.Ping, (_, _) => Task.FromResult(new PingReply { NodeId = nodeId, Version = version }))
            .MapUnary(DiagnosticsMethods.Echo, async (request, context) =>
            {
                await PrepareAsync(request, time, context.CancellationToken).ConfigureAwait(false);
                return new EchoReply { Text = request.Text, Payload = request.Payload, ReceivedBytes = request.CalculateSize() };
            })
            .MapServerStreaming(DiagnosticsMethods.EchoStream, async (request, writer, context) =>
            {
                int repeat = Math.Max(1, request.Repeat);
                for (int i = 0; i < repeat; i++)
                {
                    await writer.WriteAsync(new EchoReply { Text = request.Text, Payload = request.Payload, Sequence = i }, context.CancellationToken).ConfigureAwait(false);
                }

                await PrepareAsync(request, time, context.CancellationToken).ConfigureAwait(false);
            })
            .MapClientStreaming(DiagnosticsMethods.Collect, async (requests, context) =>
            {
                int count = 0;
                long bytes = 0;
                string last = string.Empty;
                await foreach (var request in requests.ConfigureAwait(false))
                {
                    await PrepareAsync(request, time, context.CancellationToken).ConfigureAwait(false);
                    count++;
                    bytes += request.Payload.Length;
                    last = request.Text;
                }

                return new EchoReply { Text = last, Sequence = count, ReceivedBytes = bytes };
            })
            .MapDuplexStreaming(DiagnosticsMethods.Chat, async (requests, writer, context) =>
            {
                int sequence = 0;
                await foreach (var request in requests.ConfigureAwait(false))
                {
                    await PrepareAsync(request, time, context.CancellationToken).ConfigureAwait(false);
                    await writer.WriteAsync(new EchoReply { Text = request.Text, Payload = request.Payload, Sequence = sequence++ }, context.CancellationToken).ConfigureAwait(false);
                }
            });
    }

    private static async Task PrepareAsync(EchoRequest request, TimeProvider time, CancellationToken cancellationToken)
    {
        if (request.DelayMs > 0)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(request.DelayMs), time, cancellationToken).ConfigureAwait(false);
        }

        if (request.FailWithCode != 0)
        {
            var code = (RpcStatusCode)request.FailWithCode;
            if (!Enum.IsDefined(code))
            {
                throw new RpcException(RpcStatusCode.InvalidArgument, $"fail_with_code {request.FailWithCode} is not a gRPC status code (1-16)");
            }

            throw new RpcException(code, request.Text);
        }
    }
}
