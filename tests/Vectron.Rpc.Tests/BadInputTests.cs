using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Vectron.Rpc.Protocol.Internal;
using Vectron.Rpc.Server;
using Vectron.Rpc.Wire;

namespace Vectron.Rpc.Tests;

/// <summary>Requests no well-behaved client sends, over plain HTTP/2: each gets the status the gRPC spec asks for, and the server goes on serving.</summary>
public sealed class BadInputTests
{
    internal const string EchoPath = "/vectron.internal.Diagnostics/Echo";
    internal const string CollectPath = "/vectron.internal.Diagnostics/Collect";

    [Fact]
    public async Task CompressedFlag2_IsInternal()
    {
        byte[] body = Valid(new EchoRequest { Text = "x" });
        body[0] = 2;
        await AssertGrpcStatusAsync(body, RpcStatusCode.Internal, "compressed flag 2");
    }

    [Fact]
    public async Task LengthPrefixOverTheMaxReceiveSize_IsResourceExhausted()
    {
        await using var rpc = await RpcFixture.StartAsync(new RpcServerOptions { MaxReceiveMessageSize = 1000 });
        using var raw = new RawGrpcClient(rpc.Server.Address);
        foreach (uint length in new uint[] { 1001, int.MaxValue, uint.MaxValue })
        {
            // Only the prefix is sent: the server must refuse on the prefix alone, not wait for (or buffer) the body.
            var response = await raw.SendAsync(EchoPath, Prefix(0, length));
            Assert.True(response.Http == HttpStatusCode.OK && response.Status == (int)RpcStatusCode.ResourceExhausted, $"length {length}: {response}");
            Assert.Contains("larger than max", response.GrpcMessage, StringComparison.Ordinal);
        }

        await AssertStillServesAsync(rpc);
    }

    [Fact]
    public async Task TruncatedFrame_IsInternal()
    {
        byte[] body = [.. Prefix(0, 100), .. new byte[10]];
        await AssertGrpcStatusAsync(body, RpcStatusCode.Internal, "incomplete message");
    }

    [Theory]
    [InlineData("0F")] // field 1 with wire type 7, which does not exist
    [InlineData("0A0541")] // text: 5 bytes announced, 1 present
    [InlineData("08FFFFFFFFFFFFFFFFFFFF01")] // a varint longer than 10 bytes
    [InlineData("00")] // field number 0
    public async Task BytesThatAreNotAnEchoRequest_AreInternal(string hex)
    {
        byte[] message = Convert.FromHexString(hex);
        await AssertGrpcStatusAsync([.. Prefix(0, (uint)message.Length), .. message], RpcStatusCode.Internal, "failed to parse");
    }

    [Fact]
    public async Task CompressedFlag_WithoutGrpcEncoding_IsInternal()
    {
        byte[] body = GrpcFrame.Encode(new EchoRequest { Text = "zipped" }, compress: true, int.MaxValue);
        Assert.Equal(1, body[0]);
        await AssertGrpcStatusAsync(body, RpcStatusCode.Internal, "no grpc-encoding");
    }

    [Fact]
    public async Task UnsupportedGrpcEncoding_IsUnimplemented_AndNamesTheSupportedOnes()
    {
        await using var rpc = await RpcFixture.StartAsync();
        using var raw = new RawGrpcClient(rpc.Server.Address);
        var response = await raw.SendAsync(EchoPath, Valid(new EchoRequest { Text = "x" }), request => request.Headers.Add("grpc-encoding", "snappy"));
        Assert.True(response.Http == HttpStatusCode.OK && response.Status == (int)RpcStatusCode.Unimplemented, response.ToString());
        Assert.Contains("gzip", response.GrpcMessage, StringComparison.Ordinal);
        await AssertStillServesAsync(rpc);
    }

    [Fact]
    public async Task WrongContentType_Is415()
    {
        await using var rpc = await RpcFixture.StartAsync();
        using var raw = new RawGrpcClient(rpc.Server.Address);
        foreach (string contentType in new[] { "application/json", "application/grpcx", "text/plain" })
        {
            var response = await raw.SendAsync(EchoPath, Valid(new EchoRequest()), request => request.Content!.Headers.ContentType = new(contentType));
            Assert.True(response.Http == HttpStatusCode.UnsupportedMediaType && response.GrpcStatus is null, $"{contentType}: {response}");
        }

        await AssertStillServesAsync(rpc);
    }

    [Fact]
    public async Task Get_Is405()
    {
        await using var rpc = await RpcFixture.StartAsync();
        using var raw = new RawGrpcClient(rpc.Server.Address);
        using var response = await raw.Http.GetAsync(EchoPath);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        await AssertStillServesAsync(rpc);
    }

    [Fact]
    public async Task UnknownMethod_IsHttp200_WithGrpcStatus12()
    {
        await using var rpc = await RpcFixture.StartAsync();
        using var raw = new RawGrpcClient(rpc.Server.Address);
        foreach (string path in new[] { "/vectron.internal.Diagnostics/Nope", "/no.Such/Service", "/", "/vectron.internal.Diagnostics/Echo/extra" })
        {
            var response = await raw.SendAsync(path, Valid(new EchoRequest()));
            Assert.True(response.Http == HttpStatusCode.OK && response.GrpcStatus == "12" && response.TrailersOnly, $"{path}: {response}");
        }

        await AssertStillServesAsync(rpc);
    }

    [Fact]
    public async Task Http11Request_ToTheHttp2OnlyServer_IsAnHttpError()
    {
        // RpcServer listens for HTTP/2 only, so Kestrel refuses an HTTP/1.1 request before the router sees it.
        await using var rpc = await RpcFixture.StartAsync();
        using var raw = new RawGrpcClient(rpc.Server.Address);
        var response = await raw.SendAsync(EchoPath, Valid(new EchoRequest()), request => request.Version = HttpVersion.Version11);
        Assert.True(response.Http == HttpStatusCode.BadRequest && response.GrpcStatus is null, $"{response}: {Encoding.UTF8.GetString(response.Body)}");
        await AssertStillServesAsync(rpc);
    }

    [Fact]
    public async Task Http11Request_ReachingTheRouter_Is426()
    {
        // Behind an endpoint that does accept HTTP/1.1 (a proxy, a shared port) the router itself refuses.
        // The empty builder, as RpcServer: the slim one's inotify watch would disturb RpcServerHostingTests' count.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http1));
        await using var app = builder.Build();
        app.Run(new RpcRouter().MapDiagnostics(7).HandleAsync);
        await app.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
        using var content = new ByteArrayContent(Valid(new EchoRequest()));
        content.Headers.ContentType = new("application/grpc");
        using var response = await http.PostAsync(EchoPath, content);
        Assert.Equal(HttpVersion.Version11, response.Version);
        Assert.Equal(HttpStatusCode.UpgradeRequired, response.StatusCode);
        Assert.Contains("HTTP/2", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await app.StopAsync();
    }

    [Fact]
    public async Task ClientDisconnect_InTheMiddleOfAClientStream_EndsTheHandler_AndTheServerGoesOn()
    {
        var firstMessage = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var ended = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var collect = new RpcMethod<EchoRequest, EchoReply>("test.Disconnect", "Collect", RpcMethodType.ClientStreaming);
        await using var rpc = await RpcFixture.StartAsync(map: router => router.MapClientStreaming(collect, async (requests, context) =>
        {
            try
            {
                await foreach (var request in requests)
                {
                    firstMessage.TrySetResult();
                }

                ended.TrySetResult("the request stream ended cleanly");
            }
            catch (Exception exception)
            {
                ended.TrySetResult(exception.GetType().Name);
                throw;
            }

            return new EchoReply();
        }));

        // Hand-written HTTP/2 on a bare socket, so the client can vanish without END_STREAM, RST_STREAM or GOAWAY.
        using (var socket = new Socket(SocketType.Stream, ProtocolType.Tcp))
        {
            await socket.ConnectAsync(IPAddress.Loopback, rpc.Server.Address.Port);
            byte[] headers = Hpack(
                (":method", "POST"), (":scheme", "http"), (":path", "/test.Disconnect/Collect"), (":authority", $"127.0.0.1:{rpc.Server.Address.Port}"),
                ("content-type", "application/grpc"), ("te", "trailers"));
            byte[] first = Valid(new EchoRequest { Text = "first" });
            byte[] halfOfSecond = Valid(new EchoRequest { Text = "second, never finished" })[..12];
            byte[] bytes =
            [
                .. "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8,
                .. Http2Frame(type: 4, flags: 0, stream: 0, []), // SETTINGS
                .. Http2Frame(type: 1, flags: 4, stream: 1, headers), // HEADERS, END_HEADERS
                .. Http2Frame(type: 0, flags: 0, stream: 1, [.. first, .. halfOfSecond]), // DATA, the stream left open
            ];
            await socket.SendAsync(bytes);
            await firstMessage.Task.WaitAsync(TimeSpan.FromSeconds(15));
            socket.LingerState = new LingerOption(true, 0); // close with a TCP reset
            socket.Close();
        }

        string how = await ended.Task.WaitAsync(TimeSpan.FromSeconds(15));
        Assert.NotEqual("the request stream ended cleanly", how);
        await AssertStillServesAsync(rpc);
    }

    internal static byte[] Valid(EchoRequest request) => GrpcFrame.Encode(request, compress: false, int.MaxValue);

    internal static byte[] Prefix(byte flag, uint length)
    {
        var prefix = new byte[GrpcFrame.PrefixSize];
        prefix[0] = flag;
        BinaryPrimitives.WriteUInt32BigEndian(prefix.AsSpan(1), length);
        return prefix;
    }

    internal static async Task AssertStillServesAsync(RpcFixture rpc)
    {
        var reply = await rpc.Channel.UnaryAsync(DiagnosticsMethods.Echo, new EchoRequest { Text = "still serving" }, new Client.RpcCallOptions { Timeout = TimeSpan.FromSeconds(15) });
        Assert.Equal("still serving", reply.Text);
    }

    private static byte[] Http2Frame(byte type, byte flags, int stream, ReadOnlySpan<byte> payload)
    {
        var frame = new byte[9 + payload.Length];
        frame[0] = (byte)(payload.Length >> 16);
        frame[1] = (byte)(payload.Length >> 8);
        frame[2] = (byte)payload.Length;
        frame[3] = type;
        frame[4] = flags;
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(5), stream);
        payload.CopyTo(frame.AsSpan(9));
        return frame;
    }

    // HPACK "literal header field without indexing, new name" (RFC 7541 section 6.2.2), no Huffman; every string is under 127 bytes.
    private static byte[] Hpack(params (string Name, string Value)[] headers)
    {
        var block = new List<byte>();
        foreach (var (name, value) in headers)
        {
            block.Add(0);
            block.Add((byte)name.Length);
            block.AddRange(Encoding.ASCII.GetBytes(name));
            block.Add((byte)value.Length);
            block.AddRange(Encoding.ASCII.GetBytes(value));
        }

        return [.. block];
    }

    private static async Task AssertGrpcStatusAsync(byte[] body, RpcStatusCode expected, string messagePart)
    {
        await using var rpc = await RpcFixture.StartAsync();
        using var raw = new RawGrpcClient(rpc.Server.Address);
        foreach (string path in new[] { EchoPath, CollectPath })
        {
            var response = await raw.SendAsync(path, body);
            Assert.True(response.Http == HttpStatusCode.OK && response.Status == (int)expected, $"{path}: expected {expected} ({(int)expected}), got {response}");
            Assert.Contains(messagePart, response.GrpcMessage, StringComparison.Ordinal);
        }

        await AssertStillServesAsync(rpc);
    }
}
