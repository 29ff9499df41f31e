using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Google.Protobuf;
using Vectron.Raft.Core;
using Vectron.Raft.Hosting;
using Vectron.Rpc.Client;
using Vectron.Rpc.Protocol.Internal;
using Vectron.Rpc.Raft;
using Vectron.Rpc.Server;

namespace Vectron.Rpc.Tests.Raft;

public sealed class RpcRaftTransportTests
{
    private const ulong Group = 7;

    private static readonly RpcRaftTransportOptions Fast = new()
    {
        ReconnectBackoffMin = TimeSpan.FromMilliseconds(5),
        ReconnectBackoffMax = TimeSpan.FromMilliseconds(50),
        SnapshotChunkBytes = 1024,
        SnapshotBytesPerSecond = 0,
    };

    [Fact]
    public async Task Send_ToNodesWithoutServerOrAddress_ReportsUnreachable_WithoutBlocking()
    {
        var handler = new RecordingHandler();
        var closed = new Uri($"http://127.0.0.1:{ClosedPort()}");
        await using var transport = new RpcRaftTransport(node => node == 2 ? closed : null, Fast);
        transport.Bind(1, handler);

        // Each Send returns at once (it only queues); the failures come back through the handler.
        for (ulong i = 0; i < 20; i++)
        {
            transport.Send(Batch(from: 1, to: 2, groups: [10 + (i % 2)]));
            transport.Send(Batch(from: 1, to: 3, groups: [20]));
        }

        await Eventually.WaitAsync(() => handler.UnreachableGroups(2).SetEquals([10UL, 11UL]) && handler.UnreachableGroups(3).SetEquals([20UL]),
            "unreachable reports for nodes 2 and 3");
        Assert.DoesNotContain(handler.Unreachable, report => report.Groups.Count == 0);
    }

    [Fact]
    public async Task Batches_ReachTheBoundHandler_InOrder_OverOneStream()
    {
        await using var pair = await Pair.StartAsync();
        for (ulong i = 1; i <= 50; i++)
        {
            pair.Sender.Send(Batch(from: 1, to: 2, groups: [Group], index: i));
        }

        await Eventually.WaitAsync(() => pair.ReceiverHandler.Batches.Count == 50, "50 batches delivered");
        Assert.Equal(Enumerable.Range(1, 50).Select(i => (ulong)i), pair.ReceiverHandler.Batches.Select(batch => batch.Messages[0].Message.Index));
        Assert.Equal(1, pair.Sender.SenderOf(2)!.StreamsOpened);
        Assert.Empty(pair.SenderHandler.Unreachable);
    }

    [Fact]
    public async Task Connect_OpensTheStreamBeforeAnyBatch_AndTheFirstBatchUsesIt()
    {
        await using var pair = await Pair.StartAsync();
        pair.Sender.Connect(2);
        await Eventually.WaitAsync(() => pair.Sender.SenderOf(2) is { StreamsOpened: 1, StreamEndedEarly: false }, "a stream opened with nothing to send");

        pair.Sender.Send(Batch(from: 1, to: 2, groups: [Group]));

        await Eventually.WaitAsync(() => pair.ReceiverHandler.Batches.Count == 1, "the batch delivered");
        Assert.Equal(1, pair.Sender.SenderOf(2)!.StreamsOpened);
        Assert.Empty(pair.SenderHandler.Unreachable);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AConnectedPeer_ThatGoesAway_IsReconnectedWithoutABatch_OnceItIsBack(bool streamOpenedByABatchFirst)
    {
        var receiverHandler = new RecordingHandler();
        await using var receiver = new RpcRaftTransport(_ => null, Fast);
        receiver.Bind(2, receiverHandler);
        var server = await RpcServer.StartAsync(new RpcRouter().MapRaftTransport(receiver), new IPEndPoint(IPAddress.Loopback, 0));
        var endpoint = new IPEndPoint(IPAddress.Loopback, server.Address.Port);
        var senderHandler = new RecordingHandler();
        await using var sender = new RpcRaftTransport(node => node == 2 ? server.Address : null, Fast);
        sender.Bind(1, senderHandler);
        if (streamOpenedByABatchFirst)
        {
            // Connect must also keep open a stream that an earlier batch opened.
            sender.Send(Batch(from: 1, to: 2, groups: [Group]));
            await Eventually.WaitAsync(() => receiverHandler.Batches.Count == 1, "the first batch");
        }

        sender.Connect(2);
        await Eventually.WaitAsync(() => sender.SenderOf(2) is { StreamsOpened: 1, StreamEndedEarly: false }, "the first stream");

        // The peer goes away: the idle sender notices its stream end and keeps trying, with backoff, before any batch.
        await server.DisposeAsync();
        await Eventually.WaitAsync(() => sender.SenderOf(2)!.StreamsOpened >= 3, "reopen attempts while the peer is away");

        await using var back = await RpcServer.StartAsync(new RpcRouter().MapRaftTransport(receiver), endpoint);
        int opened = sender.SenderOf(2)!.StreamsOpened;
        await Eventually.WaitAsync(() => sender.SenderOf(2)!.StreamsOpened > opened && !sender.SenderOf(2)!.StreamEndedEarly, "a stream to the peer that is back");
        sender.Send(Batch(from: 1, to: 2, groups: [Group]));

        int expected = streamOpenedByABatchFirst ? 2 : 1;
        await Eventually.WaitAsync(() => receiverHandler.Batches.Count == expected, "the batch delivered");
        Assert.Empty(senderHandler.Unreachable); // no batch was ever dropped: none was sent while the peer was away
    }

    [Fact]
    public async Task LargeBatch_IsSplitIntoWireBatches_AndArrivesWhole()
    {
        await using var pair = await Pair.StartAsync(Fast with { MaxWireBatchBytes = 4096 });
        var messages = Enumerable.Range(1, 20)
            .Select(i => new GroupMessage((ulong)i, new Message { Type = MessageType.Append, From = 1, To = 2, Entries = [new Entry((ulong)i, 1, EntryType.Normal, new byte[1000])] }))
            .ToArray();
        pair.Sender.Send(new RaftMessageBatch(1, 2, messages, [99]));

        await Eventually.WaitAsync(() => pair.ReceiverHandler.Batches.Sum(batch => batch.Messages.Count) == 20, "20 messages delivered");
        var batches = pair.ReceiverHandler.Batches;
        Assert.True(batches.Count > 1, "the batch was not split");
        Assert.Equal(Enumerable.Range(1, 20).Select(i => (ulong)i), batches.SelectMany(batch => batch.Messages).Select(message => message.GroupId));
        Assert.Equal([99UL], batches.SelectMany(batch => batch.QuiescedGroups));
    }

    [Fact]
    public async Task Calls_AddressedToAnotherNode_AreRefused_AndBadChecksumsToo()
    {
        await using var pair = await Pair.StartAsync();
        using var channel = new RpcChannel(pair.ReceiverServer.Address);

        var call = channel.ClientStreaming(RaftTransportMethods.SendBatches);
        await using (call)
        {
            var error = await Assert.ThrowsAsync<RpcException>(async () =>
            {
                await call.WriteAsync(RaftMessageCodec.ToWire(Batch(from: 1, to: 9, groups: [Group])));
                await call.CompleteAsync();
            });
            Assert.Equal(RpcStatusCode.FailedPrecondition, error.Status);
        }

        var snapshot = channel.ClientStreaming(RaftTransportMethods.SendSnapshot);
        await using (snapshot)
        {
            var error = await Assert.ThrowsAsync<RpcException>(async () =>
            {
                await snapshot.WriteAsync(new RaftSnapshotChunk
                {
                    From = 1,
                    To = 2,
                    GroupId = Group,
                    Message = RaftMessageCodec.ToWire(SnapshotAssemblerTests.SnapshotMessage(term: 2, index: 9)),
                    Data = ByteString.CopyFrom(1, 2, 3),
                    Crc32C = 12345,
                    Last = true,
                    TotalLength = 3,
                });
                await snapshot.CompleteAsync();
            });
            Assert.Equal(RpcStatusCode.DataLoss, error.Status);
        }

        Assert.Empty(pair.ReceiverHandler.Batches);
        Assert.Empty(pair.ReceiverHandler.Chunks);
    }

    [Fact]
    public async Task SnapshotStream_BrokenMidway_ResumesAtTheReceiversOffset()
    {
        // The receiver's first stream breaks after it accepted 3 chunks; the sender must ask where to go on and send
        // only the rest. The break is injected on the server, so what the receiver held is exact, not a matter of timing.
        var firstOffsets = new List<long>();
        int streams = 0;
        await using var pair = await Pair.StartAsync(map: (router, receiver) => router
            .MapClientStreaming(RaftTransportMethods.SendSnapshot, (chunks, context) =>
                receiver.ReceiveSnapshotAsync(Break(chunks, Interlocked.Increment(ref streams) == 1 ? 3 : int.MaxValue, firstOffsets), context))
            .MapUnary(RaftTransportMethods.ResumeSnapshot, receiver.ResumeSnapshotAsync));
        var payload = SnapshotAssemblerTests.Payload(10_000);
        var message = SnapshotAssemblerTests.SnapshotMessage(term: 4, index: 120);

        pair.Sender.SendSnapshot(2, new SnapshotTransfer(Group, message, payload));

        await Eventually.WaitAsync(() => pair.SenderHandler.SnapshotsSent.Count == 1, "the snapshot outcome");
        Assert.Equal((Group, 2UL, false), pair.SenderHandler.SnapshotsSent[0]);
        lock (firstOffsets)
        {
            Assert.Equal([0L, 3 * 1024L], firstOffsets);
        }

        var (from, chunk) = Assert.Single(pair.ReceiverHandler.Chunks);
        Assert.Equal((1UL, Group, 0L, true), (from, chunk.GroupId, chunk.Offset, chunk.IsLast));
        Assert.Equal(payload, chunk.Data.ToArray());
        RaftMessageCodecTests.AssertSame(message, chunk.Message);
    }

    [Fact]
    public async Task SnapshotStream_BreakingEveryTime_IsReportedFailedExactlyOnce()
    {
        int streams = 0;
        await using var pair = await Pair.StartAsync(Fast with { SnapshotResumeAttempts = 2 }, map: (router, receiver) => router
            .MapClientStreaming(RaftTransportMethods.SendSnapshot, (chunks, context) =>
            {
                Interlocked.Increment(ref streams);
                return receiver.ReceiveSnapshotAsync(Break(chunks, 1, []), context);
            })
            .MapUnary(RaftTransportMethods.ResumeSnapshot, receiver.ResumeSnapshotAsync));

        pair.Sender.SendSnapshot(2, new SnapshotTransfer(Group, SnapshotAssemblerTests.SnapshotMessage(term: 4, index: 120), SnapshotAssemblerTests.Payload(10_000)));

        await Eventually.WaitAsync(() => pair.SenderHandler.SnapshotsSent.Count == 1, "the snapshot outcome");
        Assert.Equal((Group, 2UL, true), pair.SenderHandler.SnapshotsSent[0]);
        Assert.Equal(3, Volatile.Read(ref streams));
        Assert.Empty(pair.ReceiverHandler.Chunks);
        await pair.Sender.DisposeAsync();
        Assert.Single(pair.SenderHandler.SnapshotsSent);
    }

    [Fact]
    public async Task Snapshot_ToNodeWithoutServer_IsReportedFailedExactlyOnce()
    {
        var handler = new RecordingHandler();
        var closed = new Uri($"http://127.0.0.1:{ClosedPort()}");
        var transport = new RpcRaftTransport(_ => closed, Fast);
        transport.Bind(1, handler);

        transport.SendSnapshot(2, new SnapshotTransfer(Group, SnapshotAssemblerTests.SnapshotMessage(term: 1, index: 5), new byte[100]));

        await Eventually.WaitAsync(() => handler.SnapshotsSent.Count == 1, "the snapshot outcome");
        await transport.DisposeAsync();
        Assert.Equal((Group, 2UL, true), Assert.Single(handler.SnapshotsSent));
    }

    [Fact]
    public async Task Snapshot_InFlightWhenTheTransportStops_IsReportedFailed()
    {
        var handler = new RecordingHandler();
        var transport = new RpcRaftTransport(_ => new Uri("http://127.0.0.1:1"), Fast with { SnapshotBytesPerSecond = 1 });
        transport.Bind(1, handler);
        transport.SendSnapshot(2, new SnapshotTransfer(Group, SnapshotAssemblerTests.SnapshotMessage(term: 1, index: 5), new byte[4096]));

        await transport.DisposeAsync();

        Assert.Equal((Group, 2UL, true), Assert.Single(handler.SnapshotsSent));
    }

    private static async IAsyncEnumerable<RaftSnapshotChunk> Break(IAsyncEnumerable<RaftSnapshotChunk> chunks, int after, List<long> firstOffsets, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        int count = 0;
        await foreach (var chunk in chunks.WithCancellation(cancellationToken))
        {
            if (count == 0)
            {
                lock (firstOffsets)
                {
                    firstOffsets.Add(chunk.Offset);
                }
            }

            if (count == after)
            {
                throw new RpcException(RpcStatusCode.Unavailable, "injected break");
            }

            count++;
            yield return chunk;
        }
    }

    internal static RaftMessageBatch Batch(ulong from, ulong to, ulong[] groups, ulong index = 1) =>
        new(from, to, [.. groups.Select(group => new GroupMessage(group, new Message { Type = MessageType.Heartbeat, From = from, To = to, Term = 1, Index = index }))], []);

    private static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>Node 1 (a transport that only sends) and node 2 (a transport behind a server), each with a recording handler.</summary>
    private sealed class Pair : IAsyncDisposable
    {
        private Pair(RpcRaftTransport sender, RpcRaftTransport receiver, RpcServer receiverServer, RecordingHandler senderHandler, RecordingHandler receiverHandler)
        {
            Sender = sender;
            Receiver = receiver;
            ReceiverServer = receiverServer;
            SenderHandler = senderHandler;
            ReceiverHandler = receiverHandler;
        }

        public RpcRaftTransport Sender { get; }

        public RpcRaftTransport Receiver { get; }

        public RpcServer ReceiverServer { get; }

        public RecordingHandler SenderHandler { get; }

        public RecordingHandler ReceiverHandler { get; }

        /// <summary>Starts both; <paramref name="map"/> maps the receiver's methods (null: <see cref="RaftTransportRouterExtensions.MapRaftTransport"/>).</summary>
        public static async Task<Pair> StartAsync(RpcRaftTransportOptions? options = null, Action<RpcRouter, RpcRaftTransport>? map = null)
        {
            var receiverHandler = new RecordingHandler();
            var receiver = new RpcRaftTransport(_ => null, options ?? Fast);
            receiver.Bind(2, receiverHandler);
            var router = new RpcRouter();
            if (map is null)
            {
                router.MapRaftTransport(receiver);
            }
            else
            {
                map(router, receiver);
            }

            var server = await RpcServer.StartAsync(router, new IPEndPoint(IPAddress.Loopback, 0));
            var senderHandler = new RecordingHandler();
            var sender = new RpcRaftTransport(node => node == 2 ? server.Address : null, options ?? Fast);
            sender.Bind(1, senderHandler);
            return new Pair(sender, receiver, server, senderHandler, receiverHandler);
        }

        public async ValueTask DisposeAsync()
        {
            await Sender.DisposeAsync();
            await Receiver.DisposeAsync();
            await ReceiverServer.DisposeAsync();
        }
    }
}
