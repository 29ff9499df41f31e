using System.Diagnostics.Metrics;

namespace Vectron.Rpc.Raft;

/// <summary>
/// The Raft transport's instruments, on a <see cref="Meter"/> named "Vectron.Rpc.Raft", each measurement tagged with
/// the peer node (<c>vectron.peer</c>): messages, wire batches and message bytes sent and received, snapshot bytes
/// sent, batches dropped (tagged <c>reason</c>: <c>queue_full</c>, <c>stream_broken</c>, <c>stopped</c>) and
/// reconnects (batch streams opened after a broken one).
/// </summary>
/// <remarks>Thread-safe. Counted per wire batch or chunk, never per message in a loop.</remarks>
internal sealed class RaftTransportMetrics : IDisposable
{
    public const string MeterName = "Vectron.Rpc.Raft";

    /// <summary>A drop because the peer's queue was full (the peer is slow or unreachable).</summary>
    public const string QueueFull = "queue_full";

    /// <summary>A drop of the batch whose write failed and of every batch queued behind it.</summary>
    public const string StreamBroken = "stream_broken";

    /// <summary>A drop because the transport is stopping.</summary>
    public const string Stopped = "stopped";

    private readonly Counter<long> _messagesSent;
    private readonly Counter<long> _batchesSent;
    private readonly Counter<long> _bytesSent;
    private readonly Counter<long> _messagesReceived;
    private readonly Counter<long> _snapshotBytesSent;
    private readonly Counter<long> _dropped;
    private readonly Counter<long> _reconnects;

    public RaftTransportMetrics()
    {
        Meter = new Meter(MeterName);
        _messagesSent = Meter.CreateCounter<long>("vectron.raft.transport.messages.sent", description: "Raft messages written to a peer's batch stream");
        _batchesSent = Meter.CreateCounter<long>("vectron.raft.transport.batches.sent", description: "Wire batches written to a peer's batch stream");
        _bytesSent = Meter.CreateCounter<long>("vectron.raft.transport.bytes.sent", unit: "By", description: "Encoded message bytes written to a peer's batch stream");
        _messagesReceived = Meter.CreateCounter<long>("vectron.raft.transport.messages.received", description: "Raft messages received from a peer and handed to the host");
        _snapshotBytesSent = Meter.CreateCounter<long>("vectron.raft.transport.snapshot.bytes.sent", unit: "By", description: "Snapshot payload bytes written to snapshot streams");
        _dropped = Meter.CreateCounter<long>("vectron.raft.transport.batches.dropped", description: "Host batches dropped (their groups reported unreachable), by reason");
        _reconnects = Meter.CreateCounter<long>("vectron.raft.transport.reconnects", description: "Batch streams opened again after a broken one");
    }

    /// <summary>The meter (tests listen to this instance only).</summary>
    public Meter Meter { get; }

    public void Sent(ulong peer, int messages, long bytes)
    {
        var tag = Peer(peer);
        _batchesSent.Add(1, tag);
        _messagesSent.Add(messages, tag);
        _bytesSent.Add(bytes, tag);
    }

    public void Received(ulong peer, int messages) => _messagesReceived.Add(messages, Peer(peer));

    public void SnapshotBytesSent(ulong peer, long bytes) => _snapshotBytesSent.Add(bytes, Peer(peer));

    public void Dropped(ulong peer, int batches, string reason)
    {
        if (batches > 0)
        {
            _dropped.Add(batches, Peer(peer), new KeyValuePair<string, object?>("reason", reason));
        }
    }

    public void Reconnected(ulong peer) => _reconnects.Add(1, Peer(peer));

    public void Dispose() => Meter.Dispose();

    private static KeyValuePair<string, object?> Peer(ulong peer) => new("vectron.peer", peer);
}
