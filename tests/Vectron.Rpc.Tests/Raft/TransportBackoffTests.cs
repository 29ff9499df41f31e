using System.Net;
using System.Net.Sockets;
using Vectron.Rpc.Raft;
using Vectron.Rpc.Server;

namespace Vectron.Rpc.Tests.Raft;

/// <summary>
/// The transport's failure paths on a clock the test drives: a full queue drops at once and reports the groups, the
/// reconnect backoff grows exponentially to its cap and starts over after a stream works, and the meter counts
/// sends, drops and reconnects.
/// </summary>
public sealed class TransportBackoffTests
{
    private static readonly TimeSpan Min = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan Max = TimeSpan.FromMilliseconds(400);

    [Fact]
    public async Task FullQueue_DropsTheBatchAtOnce_ReportsItsGroups_AndCountsTheDrops()
    {
        var clock = new HeldTimerClock(holdBelow: TimeSpan.FromMilliseconds(450));
        var handler = new RecordingHandler();
        var closed = new Uri($"http://127.0.0.1:{ClosedPort()}");
        await using var transport = new RpcRaftTransport(_ => closed, Options(clock) with { QueueLimit = 2 });
        using var metrics = new MeterRecorder(transport.Metrics.Meter);
        transport.Bind(1, handler);

        // The first batch fails (nothing listens) and the sender waits out its backoff on the held clock.
        transport.Send(RpcRaftTransportTests.Batch(from: 1, to: 2, groups: [10]));
        var backoff = await clock.NextHeldAsync();
        Assert.Equal(new ulong[] { 10 }, handler.UnreachableGroups(2).Order());
        Assert.Equal(1, Dropped(metrics, RaftTransportMetrics.StreamBroken));

        // Two batches fill the queue; the third is dropped inside Send and reported before Send returns.
        transport.Send(RpcRaftTransportTests.Batch(from: 1, to: 2, groups: [11]));
        transport.Send(RpcRaftTransportTests.Batch(from: 1, to: 2, groups: [12]));
        Assert.Equal(new ulong[] { 10 }, handler.UnreachableGroups(2).Order());
        transport.Send(RpcRaftTransportTests.Batch(from: 1, to: 2, groups: [13]));
        Assert.Equal(new ulong[] { 10, 13 }, handler.UnreachableGroups(2).Order());
        Assert.Equal(1, Dropped(metrics, RaftTransportMetrics.QueueFull));

        // Backoff over: a second stream (a reconnect) fails on the first queued batch and drops both queued batches.
        backoff.Fire();
        await clock.NextHeldAsync();
        Assert.Equal(new ulong[] { 10, 11, 12, 13 }, handler.UnreachableGroups(2).Order());
        Assert.Equal(3, Dropped(metrics, RaftTransportMetrics.StreamBroken));
        Assert.Equal(1, metrics.Sum("vectron.raft.transport.reconnects", ("vectron.peer", 2UL)));
        Assert.Equal(0, metrics.Sum("vectron.raft.transport.messages.sent"));
    }

    [Fact]
    public async Task ReconnectBackoff_DoublesToItsCap_AndStartsOverAfterAStreamWorked()
    {
        var clock = new HeldTimerClock(holdBelow: TimeSpan.FromMilliseconds(450));
        var handler = new RecordingHandler();
        var closed = new Uri($"http://127.0.0.1:{ClosedPort()}");
        Uri address = closed;
        await using var transport = new RpcRaftTransport(_ => Volatile.Read(ref address), Options(clock));
        using var metrics = new MeterRecorder(transport.Metrics.Meter);
        transport.Bind(1, handler);

        // Failures 1..5: equal jitter in [ceiling/2, ceiling], the ceiling doubling from Min up to Max.
        double[] ceilings = [100, 200, 400, 400, 400];
        HeldTimerClock.HeldTimer? backoff = null;
        foreach (double ceiling in ceilings)
        {
            backoff?.Fire();
            transport.Send(RpcRaftTransportTests.Batch(from: 1, to: 2, groups: [7]));
            backoff = await clock.NextHeldAsync();
            Assert.InRange(backoff.DueTime.TotalMilliseconds, ceiling / 2, ceiling);
        }

        Assert.Equal(4, metrics.Sum("vectron.raft.transport.reconnects", ("vectron.peer", 2UL)));

        // The peer comes up (at a new address, found on reconnect): batches flow and the failure count resets.
        var receiverHandler = new RecordingHandler();
        var receiver = new RpcRaftTransport(_ => null);
        await using (receiver)
        {
            receiver.Bind(2, receiverHandler);
            var server = await RpcServer.StartAsync(new RpcRouter().MapRaftTransport(receiver), new IPEndPoint(IPAddress.Loopback, 0));
            await using (server)
            {
                Volatile.Write(ref address, server.Address);
                backoff!.Fire();
                transport.Send(RpcRaftTransportTests.Batch(from: 1, to: 2, groups: [7], index: 42));
                await Eventually.WaitAsync(() => receiverHandler.Batches.Count == 1, "the batch delivered after the reconnect");
                Assert.Equal(1, metrics.Sum("vectron.raft.transport.messages.sent", ("vectron.peer", 2UL)));
                Assert.True(metrics.Sum("vectron.raft.transport.bytes.sent", ("vectron.peer", 2UL)) > 0);
                Assert.False(clock.HasHeld);
                Volatile.Write(ref address, closed);
            }
        }

        // The server is gone: the stream breaks on a later write, and the first backoff is the shortest again.
        var again = Task.Run(clock.NextHeldAsync);
        while (!again.IsCompleted)
        {
            transport.Send(RpcRaftTransportTests.Batch(from: 1, to: 2, groups: [7]));
            await Task.WhenAny(again, Task.Delay(20));
        }

        Assert.InRange((await again).DueTime.TotalMilliseconds, 50, 100);
    }

    [Fact]
    public async Task StreamThatDiedWhileIdle_IsReplacedAtOnce_AndTheNextBatchArrives()
    {
        var clock = new HeldTimerClock(holdBelow: TimeSpan.FromMilliseconds(450));
        var handler = new RecordingHandler();
        Uri? address = null;
        await using var transport = new RpcRaftTransport(_ => Volatile.Read(ref address), Options(clock));
        using var metrics = new MeterRecorder(transport.Metrics.Meter);
        transport.Bind(1, handler);

        // A peer that serves one batch and then stops (like a killed node; its stream's connection closes).
        var first = new RecordingHandler();
        var firstReceiver = new RpcRaftTransport(_ => null);
        await using (firstReceiver)
        {
            firstReceiver.Bind(2, first);
            var server = await RpcServer.StartAsync(new RpcRouter().MapRaftTransport(firstReceiver), new IPEndPoint(IPAddress.Loopback, 0));
            await using (server)
            {
                Volatile.Write(ref address, server.Address);
                transport.Send(RpcRaftTransportTests.Batch(from: 1, to: 2, groups: [7], index: 1));
                await Eventually.WaitAsync(() => first.Batches.Count == 1, "the first batch delivered");
            }
        }

        await Eventually.WaitAsync(() => transport.SenderOf(2)!.StreamEndedEarly, "the sender's stream seen dead");

        // The peer is back (restarted, at a new address): the next batch must arrive, with nothing dropped or reported
        // unreachable and no backoff waited.
        var second = new RecordingHandler();
        var secondReceiver = new RpcRaftTransport(_ => null);
        await using (secondReceiver)
        {
            secondReceiver.Bind(2, second);
            var server = await RpcServer.StartAsync(new RpcRouter().MapRaftTransport(secondReceiver), new IPEndPoint(IPAddress.Loopback, 0));
            await using (server)
            {
                Volatile.Write(ref address, server.Address);
                transport.Send(RpcRaftTransportTests.Batch(from: 1, to: 2, groups: [7], index: 2));
                await Eventually.WaitAsync(() => second.Batches.Count == 1, "the second batch delivered on a new stream");
            }
        }

        Assert.Equal(2UL, second.Batches[0].Messages[0].Message.Index);
        Assert.Empty(handler.Unreachable);
        Assert.False(clock.HasHeld);
        Assert.Equal(0, metrics.Sum("vectron.raft.transport.batches.dropped"));
        Assert.Equal(1, metrics.Sum("vectron.raft.transport.reconnects", ("vectron.peer", 2UL)));
    }

    private static RpcRaftTransportOptions Options(TimeProvider clock) => new()
    {
        ReconnectBackoffMin = Min,
        ReconnectBackoffMax = Max,
        TimeProvider = clock,
    };

    private static long Dropped(MeterRecorder metrics, string reason) =>
        metrics.Sum("vectron.raft.transport.batches.dropped", ("vectron.peer", 2UL), ("reason", reason));

    private static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
