using Google.Protobuf;
using Vectron.Rpc.Client;
using Vectron.Rpc.Protocol.Internal;
using Vectron.Rpc.Server;

namespace Vectron.Rpc.Tests;

public sealed class RpcCallTests
{
    [Fact]
    public async Task Unary_RoundTrips()
    {
        await using var rpc = await RpcFixture.StartAsync();
        var reply = await rpc.Channel.UnaryAsync(DiagnosticsMethods.Echo, new EchoRequest { Text = "hello", Payload = ByteString.CopyFrom(1, 2, 3) });
        Assert.Equal("hello", reply.Text);
        Assert.Equal([1, 2, 3], reply.Payload.ToByteArray());
        Assert.Equal(7UL, (await rpc.Channel.UnaryAsync(DiagnosticsMethods.Ping, new PingRequest())).NodeId);
    }

    [Fact]
    public async Task ServerStreaming_ClientStreaming_AndDuplex_CarryEveryMessage()
    {
        await using var rpc = await RpcFixture.StartAsync();
        var replies = new List<EchoReply>();
        await foreach (var reply in rpc.Channel.ServerStreamingAsync(DiagnosticsMethods.EchoStream, new EchoRequest { Text = "s", Repeat = 50 }))
        {
            replies.Add(reply);
        }

        Assert.Equal(Enumerable.Range(0, 50), replies.Select(r => r.Sequence));

        await using (var collect = rpc.Channel.ClientStreaming(DiagnosticsMethods.Collect))
        {
            for (int i = 0; i < 20; i++)
            {
                await collect.WriteAsync(new EchoRequest { Text = $"m{i}", Payload = ByteString.CopyFrom(new byte[100]) });
            }

            var summary = await collect.CompleteAsync();
            Assert.Equal((20, 2000L, "m19"), (summary.Sequence, summary.ReceivedBytes, summary.Text));
        }

        await using var chat = rpc.Channel.Duplex(DiagnosticsMethods.Chat);
        var reader = chat.ReadAllAsync().GetAsyncEnumerator();
        for (int i = 0; i < 10; i++)
        {
            // Each answer arrives before the next request is sent: the stream really is bidirectional.
            await chat.WriteAsync(new EchoRequest { Text = $"c{i}" });
            Assert.True(await reader.MoveNextAsync());
            Assert.Equal($"c{i}", reader.Current.Text);
        }

        await chat.CompleteRequestsAsync();
        Assert.False(await reader.MoveNextAsync());
        await reader.DisposeAsync();
    }

    [Fact]
    public async Task HandlerStatus_AndTrailers_ReachTheCaller()
    {
        var failing = new RpcMethod<EchoRequest, EchoReply>("test.Failing", "Fail", RpcMethodType.Unary);
        await using var rpc = await RpcFixture.StartAsync(map: router => router.MapUnary(failing, (request, context) =>
        {
            context.AddTrailer("retry-after-ms", "250");
            throw new RpcException(RpcStatusCode.FailedPrecondition, "épée: stale epoch 100%");
        }));
        var error = await Assert.ThrowsAsync<RpcException>(() => rpc.Channel.UnaryAsync(DiagnosticsMethods.Echo, new EchoRequest { Text = "nope", FailWithCode = 5 }));
        Assert.Equal((RpcStatusCode.NotFound, "nope"), (error.Status, error.Detail));

        var withTrailer = await Assert.ThrowsAsync<RpcException>(() => rpc.Channel.UnaryAsync(failing, new EchoRequest()));
        Assert.Equal(RpcStatusCode.FailedPrecondition, withTrailer.Status);
        Assert.Equal("épée: stale epoch 100%", withTrailer.Detail);
        Assert.Contains(new KeyValuePair<string, string>("retry-after-ms", "250"), withTrailer.Trailers);

        // An error after messages were sent travels in real trailers.
        var streamError = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            await foreach (var _ in rpc.Channel.ServerStreamingAsync(DiagnosticsMethods.EchoStream, new EchoRequest { Text = "late", Repeat = 3, FailWithCode = 10 }))
            {
            }
        });
        Assert.Equal((RpcStatusCode.Aborted, "late"), (streamError.Status, streamError.Detail));
    }

    [Fact]
    public async Task Deadline_EndsTheCall_OnBothSides()
    {
        var observed = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var slow = new RpcMethod<EchoRequest, EchoReply>("test.Slow", "Wait", RpcMethodType.Unary);
        await using var rpc = await RpcFixture.StartAsync(map: router => router.MapUnary(slow, async (_, context) =>
        {
            try
            {
                await Task.Delay(Timeout.Infinite, context.CancellationToken);
            }
            catch (OperationCanceledException)
            {
                observed.TrySetResult(context.Deadline is not null);
                throw;
            }

            return new EchoReply();
        }));
        var error = await Assert.ThrowsAsync<RpcException>(() => rpc.Channel.UnaryAsync(slow, new EchoRequest(), new RpcCallOptions { Timeout = TimeSpan.FromMilliseconds(200) }));
        Assert.Equal(RpcStatusCode.DeadlineExceeded, error.Status);
        Assert.True(await observed.Task.WaitAsync(TimeSpan.FromSeconds(10)), "the handler saw no deadline");
    }

    [Fact]
    public async Task CallerCancellation_IsCancelled_AndTheServerSeesIt()
    {
        await using var rpc = await RpcFixture.StartAsync();
        using var cancel = new CancellationTokenSource();
        var call = rpc.Channel.UnaryAsync(DiagnosticsMethods.Echo, new EchoRequest { DelayMs = 60_000 }, new RpcCallOptions { CancellationToken = cancel.Token });
        await cancel.CancelAsync();
        var error = await Assert.ThrowsAsync<RpcException>(() => call);
        Assert.Equal(RpcStatusCode.Cancelled, error.Status);
    }

    [Fact]
    public async Task OversizedMessages_AreRefused_WithResourceExhausted()
    {
        await using var rpc = await RpcFixture.StartAsync(new RpcServerOptions { MaxReceiveMessageSize = 1000 });
        var big = new EchoRequest { Payload = ByteString.CopyFrom(new byte[5000]) };
        var error = await Assert.ThrowsAsync<RpcException>(() => rpc.Channel.UnaryAsync(DiagnosticsMethods.Echo, big));
        Assert.Equal(RpcStatusCode.ResourceExhausted, error.Status);
        Assert.Contains("larger than max", error.Detail, StringComparison.Ordinal);

        using var small = new RpcChannel(rpc.Server.Address, new RpcChannelOptions { MaxSendMessageSize = 100 });
        Assert.Equal(RpcStatusCode.ResourceExhausted, (await Assert.ThrowsAsync<RpcException>(() => small.UnaryAsync(DiagnosticsMethods.Echo, big))).Status);

        // The server still serves.
        Assert.Equal("ok", (await rpc.Channel.UnaryAsync(DiagnosticsMethods.Echo, new EchoRequest { Text = "ok" })).Text);
    }

    [Fact]
    public async Task Gzip_CompressesBothWays()
    {
        await using var rpc = await RpcFixture.StartAsync();
        using var gzip = new RpcChannel(rpc.Server.Address, new RpcChannelOptions { CompressRequests = true });
        var payload = ByteString.CopyFrom(new byte[100_000]);
        var reply = await gzip.UnaryAsync(DiagnosticsMethods.Echo, new EchoRequest { Text = "z", Payload = payload });
        Assert.Equal(payload, reply.Payload);
    }

    [Fact]
    public async Task UnknownMethod_IsUnimplemented()
    {
        await using var rpc = await RpcFixture.StartAsync();
        var missing = new RpcMethod<EchoRequest, EchoReply>("vectron.internal.Diagnostics", "Nope", RpcMethodType.Unary);
        var error = await Assert.ThrowsAsync<RpcException>(() => rpc.Channel.UnaryAsync(missing, new EchoRequest()));
        Assert.Equal(RpcStatusCode.Unimplemented, error.Status);
        Assert.Contains("/vectron.internal.Diagnostics/Nope", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeadPeer_IsUnavailable_RetriedWhenIdempotent_ThenTheBreakerOpens()
    {
        await using var rpc = await RpcFixture.StartAsync();
        var address = rpc.Server.Address;
        await rpc.Server.DisposeAsync();
        using var channel = new RpcChannel(address, new RpcChannelOptions { MaxRetries = 1, RetryBaseDelay = TimeSpan.FromMilliseconds(1), BreakerMinimumThroughput = 2, BreakerBreakDuration = TimeSpan.FromSeconds(30) });
        var first = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(DiagnosticsMethods.Ping, new PingRequest()));
        Assert.Equal(RpcStatusCode.Unavailable, first.Status);
        var broken = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(DiagnosticsMethods.Ping, new PingRequest()));
        Assert.Equal(RpcStatusCode.Unavailable, broken.Status);
        Assert.Contains("circuit", broken.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void GrpcTimeout_ParsesAndFormats()
    {
        Assert.True(Wire.GrpcTimeout.TryParse("100m", out var t));
        Assert.Equal(TimeSpan.FromMilliseconds(100), t);
        Assert.True(Wire.GrpcTimeout.TryParse("2S", out t));
        Assert.Equal(TimeSpan.FromSeconds(2), t);
        Assert.False(Wire.GrpcTimeout.TryParse("123456789S", out _));
        Assert.False(Wire.GrpcTimeout.TryParse("10x", out _));
        Assert.False(Wire.GrpcTimeout.TryParse("-1S", out _));
        Assert.Equal("1500000u", Wire.GrpcTimeout.Format(TimeSpan.FromMilliseconds(1500)));
        Assert.Equal("3600000m", Wire.GrpcTimeout.Format(TimeSpan.FromHours(1)));
    }
}
