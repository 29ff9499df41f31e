using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Vectron.Checksums;
using Vectron.Raft.Core;
using Vectron.Raft.Hosting;
using Vectron.Rpc.Client;
using Vectron.Rpc.Protocol.Internal;
using Vectron.Rpc.Server;

namespace Vectron.Rpc.Raft;

/// <summary>
/// The Raft transport over Vectron's gRPC protocol. Sending: per destination node a bounded queue and one task
/// holding one long-lived batch stream, reconnecting with backoff; snapshots on their own streams, throttled,
/// checksummed and resumable; every failure reported to the bound host. Receiving: serve it with
/// <see cref="RaftTransportRouterExtensions.MapRaftTransport"/>; batches go to the host as they arrive, snapshot
/// chunks are assembled here and reach the host as one whole payload.
/// </summary>
/// <remarks>
/// <see cref="Send"/> and <see cref="SendSnapshot"/> never block and are thread-safe. Every
/// <see cref="SendSnapshot"/> ends in exactly one <see cref="IRaftTransportHandler.OnSnapshotSent"/> (failed when
/// the transport is disposed first). Wire format: docs/formats/rpc.md, "Raft transport".
/// </remarks>
public sealed class RpcRaftTransport : ITransport, IAsyncDisposable
{
    private readonly Func<ulong, Uri?> _resolvePeer;
    private readonly RpcChannelOptions _channelOptions;
    private readonly Lock _lock = new();
    private readonly Dictionary<ulong, RpcChannel> _channels = [];
    private readonly List<RpcChannel> _retiredChannels = [];
    private readonly ConcurrentDictionary<ulong, PeerSender> _senders = new();
    private readonly ConcurrentDictionary<long, Task> _snapshotSends = new();
    private readonly SnapshotSender _snapshotSender;
    private readonly SnapshotAssembler _assembler = new();
    private readonly CancellationTokenSource _stopping = new();
    private IRaftTransportHandler? _handler;
    private long _nextSnapshotSend;
    private ulong _nodeId;
    private volatile bool _disposed;

    /// <summary>Creates a transport that finds peers in <paramref name="peers"/> (node id to <c>http://host:port</c>).</summary>
    public RpcRaftTransport(IReadOnlyDictionary<ulong, Uri> peers, RpcRaftTransportOptions? options = null)
        : this(ResolverOf(peers), options)
    {
    }

    /// <summary>
    /// Creates a transport that asks <paramref name="resolvePeer"/> for a node's address (null: unknown) whenever it
    /// opens a stream, so a peer that moved is found on reconnect.
    /// </summary>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public RpcRaftTransport(Func<ulong, Uri?> resolvePeer, RpcRaftTransportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(resolvePeer);
        Options = options ?? new RpcRaftTransportOptions();
        Options.Validate();
        _resolvePeer = resolvePeer;
        _channelOptions = Options.ChannelOptions ?? new RpcChannelOptions
        {
            MaxSendMessageSize = 64 << 20,
            CircuitBreaker = false,
            TimeProvider = Options.TimeProvider,
        };
        Logger = (Options.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger<RpcRaftTransport>();
        _snapshotSender = new SnapshotSender(this);
    }

    /// <summary>The transport's settings.</summary>
    public RpcRaftTransportOptions Options { get; }

    /// <summary>The node this transport serves (0 until <see cref="Bind"/>).</summary>
    public ulong NodeId => Volatile.Read(ref _nodeId);

    internal ILogger Logger { get; }

    /// <summary>The transport's instruments (Meter "Vectron.Rpc.Raft").</summary>
    internal RaftTransportMetrics Metrics { get; } = new();

    /// <summary>The sender of <paramref name="peer"/>'s batches, if any was started (tests).</summary>
    internal PeerSender? SenderOf(ulong peer) => _senders.GetValueOrDefault(peer);

    /// <inheritdoc />
    /// <remarks>A restarted host of the same node may bind again; it replaces the old one.</remarks>
    /// <exception cref="InvalidOperationException">Bound to another node id before.</exception>
    public void Bind(ulong nodeId, IRaftTransportHandler handler)
    {
        ArgumentOutOfRangeException.ThrowIfZero(nodeId);
        ArgumentNullException.ThrowIfNull(handler);
        lock (_lock)
        {
            if (_nodeId != 0 && _nodeId != nodeId)
            {
                throw new InvalidOperationException($"the transport serves node {_nodeId}; it cannot bind node {nodeId}");
            }

            Volatile.Write(ref _nodeId, nodeId);
            Volatile.Write(ref _handler, handler);
        }
    }

    /// <inheritdoc />
    public void Send(RaftMessageBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (!_disposed && SenderFor(batch.To).TryEnqueue(batch))
        {
            return;
        }

        // Queue full (the peer is slow or gone) or shutting down: dropped, and Raft hears of it.
        Metrics.Dropped(batch.To, 1, _disposed ? RaftTransportMetrics.Stopped : RaftTransportMetrics.QueueFull);
        var groups = new HashSet<ulong>();
        PeerSender.AddGroups(groups, batch);
        if (groups.Count > 0)
        {
            ReportUnreachable(batch.To, [.. groups]);
        }
    }

    /// <summary>
    /// Opens the batch stream to <paramref name="peer"/> now and keeps one open from then on, reopening it (with
    /// backoff while the peer is away) when it ends — so the first message to a peer this node rarely talks to (a
    /// follower's pre-vote to another follower) does not wait for a connection. Call it for every member a group may
    /// elect, and again when a peer's address changes: a stream that has ended is then reopened at once, without the
    /// backoff (one still open to the old address is kept until it ends). Never blocks.
    /// </summary>
    public void Connect(ulong peer)
    {
        if (!_disposed)
        {
            SenderFor(peer).Warm();
        }
    }

    /// <inheritdoc />
    public void SendSnapshot(ulong toNode, SnapshotTransfer transfer)
    {
        ArgumentNullException.ThrowIfNull(transfer);
        if (_disposed)
        {
            ReportSnapshotSent(transfer.GroupId, toNode, failed: true);
            return;
        }

        long id = Interlocked.Increment(ref _nextSnapshotSend);
        var token = _stopping.Token;
        var send = Task.Run(() => _snapshotSender.SendAsync(toNode, transfer, token), CancellationToken.None);
        _snapshotSends[id] = send;
        _ = send.ContinueWith(_ => _snapshotSends.TryRemove(id, out Task? _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>Stops sending: queued batches are dropped, snapshot sends in flight end failed (and are reported so), channels close.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await _stopping.CancelAsync().ConfigureAwait(false);
        foreach (var sender in _senders.Values)
        {
            await sender.StopAsync().ConfigureAwait(false);
        }

        await Task.WhenAll(_snapshotSends.Values).ConfigureAwait(false);
        lock (_lock)
        {
            foreach (var channel in _channels.Values.Concat(_retiredChannels))
            {
                channel.Dispose();
            }

            _channels.Clear();
            _retiredChannels.Clear();
        }

        _snapshotSender.Dispose();
        _stopping.Dispose();
        Metrics.Dispose();
    }

    /// <summary>The channel to <paramref name="peer"/> at its current address (a new one when the address changed); null when the address is unknown.</summary>
    internal RpcChannel? ChannelFor(ulong peer)
    {
        var address = _resolvePeer(peer);
        lock (_lock)
        {
            if (_disposed)
            {
                return null;
            }

            if (_channels.TryGetValue(peer, out var channel))
            {
                if (address is not null && channel.Address == address)
                {
                    return channel;
                }

                // The peer moved (or vanished): calls still on the old channel finish or fail there; it closes with the transport.
                _channels.Remove(peer);
                _retiredChannels.Add(channel);
            }

            if (address is null)
            {
                return null;
            }

            channel = new RpcChannel(address, _channelOptions);
            _channels[peer] = channel;
            return channel;
        }
    }

    /// <summary>The reconnect (or resume) delay after <paramref name="failures"/> failures in a row: exponential, capped, with jitter.</summary>
    internal TimeSpan Backoff(int failures)
    {
        double ceiling = Math.Min(Options.ReconnectBackoffMax.TotalMilliseconds, Options.ReconnectBackoffMin.TotalMilliseconds * Math.Pow(2, Math.Min(failures - 1, 30)));

        // "Equal jitter": at least half the ceiling, so retries spread out without ever hammering the peer.
        return TimeSpan.FromMilliseconds((ceiling / 2) + (Random.Shared.NextDouble() * ceiling / 2));
    }

    internal void ReportUnreachable(ulong node, IReadOnlyList<ulong> groups) => Report(handler => handler.OnUnreachable(node, groups));

    internal void ReportSnapshotSent(ulong groupId, ulong node, bool failed) => Report(handler => handler.OnSnapshotSent(groupId, node, failed));

    /// <summary>Serves <see cref="RaftTransportMethods.SendBatches"/>: every batch goes to the host as it arrives.</summary>
    internal async Task<RaftBatchStreamSummary> ReceiveBatchesAsync(IAsyncEnumerable<RaftBatch> batches, RpcCallContext context)
    {
        ulong count = 0;
        await foreach (var wire in batches.WithCancellation(context.CancellationToken).ConfigureAwait(false))
        {
            var handler = BoundHandler();
            CheckAddressedHere(wire.To, context);
            handler.OnMessages(RaftMessageCodec.FromWire(wire));
            Metrics.Received(wire.From, wire.Messages.Count);
            count++;
        }

        return new RaftBatchStreamSummary { Batches = count };
    }

    /// <summary>
    /// Serves <see cref="RaftTransportMethods.SendSnapshot"/>: verifies and assembles the chunks; a completed payload
    /// goes to the host as one chunk. The summary says how far the receiver holds the payload.
    /// </summary>
    internal async Task<RaftSnapshotStreamSummary> ReceiveSnapshotAsync(IAsyncEnumerable<RaftSnapshotChunk> chunks, RpcCallContext context)
    {
        Message? message = null;
        (ulong From, ulong Group)? stream = null;
        long through = 0;
        await foreach (var chunk in chunks.WithCancellation(context.CancellationToken).ConfigureAwait(false))
        {
            var handler = BoundHandler();
            CheckAddressedHere(chunk.To, context);
            if (stream is { } known && known != (chunk.From, chunk.GroupId))
            {
                throw new RpcException(RpcStatusCode.InvalidArgument, $"a snapshot stream of group {known.Group} from node {known.From} carried a chunk of group {chunk.GroupId} from node {chunk.From}");
            }

            stream = (chunk.From, chunk.GroupId);
            if (chunk.Message is not null)
            {
                message = RaftMessageCodec.FromWire(chunk.Message);
                if (message.Type != MessageType.Snapshot)
                {
                    throw new RpcException(RpcStatusCode.InvalidArgument, $"a snapshot chunk names a {message.Type} message, not a snapshot message");
                }
            }
            else if (message is null)
            {
                throw new RpcException(RpcStatusCode.InvalidArgument, "the first chunk of a snapshot stream must carry the snapshot message");
            }

            var data = chunk.Data.Span;
            if (Crc32C.Compute(data) != chunk.Crc32C)
            {
                throw new RpcException(RpcStatusCode.DataLoss, $"snapshot chunk of group {chunk.GroupId} at offset {chunk.Offset}: CRC-32C mismatch");
            }

            var complete = _assembler.Accept(chunk.From, chunk.GroupId, message, chunk.Offset, data, chunk.Last, chunk.TotalLength);
            through = chunk.Offset + data.Length;
            if (complete is not null)
            {
                handler.OnSnapshotChunk(chunk.From, complete);
            }
        }

        return new RaftSnapshotStreamSummary { ReceivedThrough = through };
    }

    /// <summary>Serves <see cref="RaftTransportMethods.ResumeSnapshot"/>: how many bytes of the named stream this node holds.</summary>
    internal Task<RaftSnapshotResumeReply> ResumeSnapshotAsync(RaftSnapshotResumeRequest request, RpcCallContext context)
    {
        _ = BoundHandler();
        CheckAddressedHere(request.To, context);
        long offset = _assembler.ResumeOffset(request.From, request.GroupId, new SnapshotAssembler.StreamId(request.Term, request.Index, request.SnapshotTerm));
        return Task.FromResult(new RaftSnapshotResumeReply { Offset = offset });
    }

    private static Func<ulong, Uri?> ResolverOf(IReadOnlyDictionary<ulong, Uri> peers)
    {
        ArgumentNullException.ThrowIfNull(peers);
        return node => peers.GetValueOrDefault(node);
    }

    private PeerSender SenderFor(ulong peer)
    {
        if (_senders.TryGetValue(peer, out var sender))
        {
            return sender;
        }

        lock (_lock)
        {
            if (!_senders.TryGetValue(peer, out sender))
            {
                sender = new PeerSender(this, peer, _stopping.Token);
                _senders[peer] = sender;
                sender.Start();
            }

            return sender;
        }
    }

    private IRaftTransportHandler BoundHandler() =>
        Volatile.Read(ref _handler) ?? throw new RpcException(RpcStatusCode.Unavailable, "no Raft host is bound to this transport yet");

    private void CheckAddressedHere(ulong to, RpcCallContext context)
    {
        if (to != NodeId)
        {
            string detail = $"addressed to node {to}, but this is node {NodeId}";
            RaftTransportLog.CallRefused(Logger, NodeId, context.Peer, detail);
            throw new RpcException(RpcStatusCode.FailedPrecondition, detail);
        }
    }

    private void Report(Action<IRaftTransportHandler> report)
    {
        if (Volatile.Read(ref _handler) is not { } handler)
        {
            return;
        }

        try
        {
            report(handler);
        }
        catch (ObjectDisposedException)
        {
            // The host stopped before its transport; there is no one left to tell.
        }
    }
}
