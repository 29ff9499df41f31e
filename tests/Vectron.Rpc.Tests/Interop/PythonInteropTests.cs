using System.Text.Json;
using Google.Protobuf;
using Vectron.Rpc.Client;
using Vectron.Rpc.Protocol.Internal;
using Vectron.Testing;

namespace Vectron.Rpc.Tests.Interop;

/// <summary>
/// Vectron's gRPC against grpcio (the C core every official gRPC implementation but Java and Go builds on), both ways,
/// with stubs generated at test time from the same protos/vectron/internal/diagnostics.proto.
/// </summary>
public sealed class PythonInteropTests
{
    [Fact]
    public async Task PythonGrpcClient_CallsVectronServer_UnaryStreamingErrorAndDeadline()
    {
        using var temp = new TempDirectory();
        await PythonGrpc.GenerateStubsAsync(temp.Path);
        await using var rpc = await RpcFixture.StartAsync();

        var run = await PythonGrpc.RunAsync([PythonGrpc.Script("interop_client.py"), temp.Path, $"127.0.0.1:{rpc.Server.Address.Port}"]);

        Assert.True(run.ExitCode == 0, $"interop_client.py failed\n{run}");
        using var json = JsonDocument.Parse(run.Stdout);
        var result = json.RootElement;

        var echo = result.GetProperty("echo");
        Assert.Equal("hello from python", echo.GetProperty("text").GetString());
        Assert.True(echo.GetProperty("payload_ok").GetBoolean(), run.Stdout);
        Assert.Equal(new EchoRequest { Text = "hello from python", Payload = ByteString.CopyFrom([.. Enumerable.Range(0, 256).Select(i => (byte)i)]) }.CalculateSize(), echo.GetProperty("received_bytes").GetInt64());

        Assert.Equal(
            [.. Enumerable.Range(0, 5).Select(i => $"{i}:s")],
            result.GetProperty("echo_stream").EnumerateArray().Select(r => $"{r[0].GetInt32()}:{r[1].GetString()}").ToArray());
        Assert.Equal(
            ["0:c0", "1:c1", "2:c2"],
            result.GetProperty("chat").EnumerateArray().Select(r => $"{r[0].GetInt32()}:{r[1].GetString()}").ToArray());

        var collect = result.GetProperty("collect");
        Assert.Equal((4, 40L, "m3"), (collect.GetProperty("count").GetInt32(), collect.GetProperty("bytes").GetInt64(), collect.GetProperty("last").GetString()));

        // Status code and (percent-encoded, non-ASCII) message arrive as sent.
        var error = result.GetProperty("error");
        Assert.Equal(("NOT_FOUND", "épée: no such point 100%"), (error.GetProperty("code").GetString(), error.GetProperty("details").GetString()));

        Assert.Equal("DEADLINE_EXCEEDED", result.GetProperty("deadline").GetProperty("code").GetString());
        Assert.Equal("still here", result.GetProperty("after").GetString());
    }

    [Fact]
    public async Task VectronChannel_CallsPythonGrpcServer_UnaryStreamingErrorTrailerAndDeadline()
    {
        using var temp = new TempDirectory();
        await PythonGrpc.GenerateStubsAsync(temp.Path);
        var server = await PythonGrpcServer.StartAsync(temp.Path);
        try
        {
            using var channel = new RpcChannel(server.Address);

            var payload = ByteString.CopyFrom([.. Enumerable.Range(0, 1000).Select(i => (byte)i)]);
            var reply = await channel.UnaryAsync(DiagnosticsMethods.Echo, new EchoRequest { Text = "hello from vectron", Payload = payload });
            Assert.Equal(("hello from vectron", payload), (reply.Text, reply.Payload));

            var replies = new List<EchoReply>();
            await foreach (var item in channel.ServerStreamingAsync(DiagnosticsMethods.EchoStream, new EchoRequest { Text = "s", Repeat = 7 }))
            {
                replies.Add(item);
            }

            Assert.Equal([.. Enumerable.Range(0, 7).Select(i => $"{i}:s")], replies.Select(r => $"{r.Sequence}:{r.Text}").ToArray());

            var error = await Assert.ThrowsAsync<RpcException>(() =>
                channel.UnaryAsync(DiagnosticsMethods.Echo, new EchoRequest { Text = "épée: stale epoch 100%", FailWithCode = (int)RpcStatusCode.FailedPrecondition }));
            Assert.Equal((RpcStatusCode.FailedPrecondition, "épée: stale epoch 100%"), (error.Status, error.Detail));
            Assert.Contains(new KeyValuePair<string, string>("retry-after-ms", "250"), error.Trailers);

            var late = await Assert.ThrowsAsync<RpcException>(() =>
                channel.UnaryAsync(DiagnosticsMethods.Echo, new EchoRequest { Text = "slow", DelayMs = 10_000 }, new RpcCallOptions { Timeout = TimeSpan.FromMilliseconds(300) }));
            Assert.Equal(RpcStatusCode.DeadlineExceeded, late.Status);

            // A method the Python server does not implement.
            await using (var collect = channel.ClientStreaming(DiagnosticsMethods.Collect))
            {
                var missing = await Assert.ThrowsAsync<RpcException>(async () =>
                {
                    await collect.WriteAsync(new EchoRequest { Text = "x" });
                    await collect.CompleteAsync();
                });
                Assert.Equal(RpcStatusCode.Unimplemented, missing.Status);
            }

            Assert.Equal("still here", (await channel.UnaryAsync(DiagnosticsMethods.Echo, new EchoRequest { Text = "still here" })).Text);
        }
        finally
        {
            await server.DisposeAsync();
        }
    }
}
