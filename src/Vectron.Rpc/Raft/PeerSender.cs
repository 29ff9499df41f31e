using System.Threading.Channels;
using Vectron.Raft.Hosting;
using Vectron.Rpc.Client;
using Vectron.Rpc.Protocol.Internal;

namespace Vectron.Rpc.Raft;

/// <summary>
/// Sends the batches for one destination node: a bounded queue the consensus loop writes into without waiting, and
/// one task that holds one long-lived <see cref="RaftTransportMethods.SendBatches"/> stream and writes the queue into
/// it. When a write fails, the groups of the failed batch and of every batch queued behind it are reported
/// unreachable (Raft probes again; resending stale messages would only slow the follower), the stream is dropped,
/// and after an exponential backoff with jitter a new stream is opened for the next batch.
/// </summary>
internal sealed class PeerSender
{
    private readonly RpcRaftTransport _transport;
    private readonly Channel<RaftMessageBatch> _queue;
    private readonly CancellationToken _stopping;
    private Task _run = Task.CompletedTask;
    private int _streamsOpened;

    public PeerSender(RpcRaftTransport transport, ulong peer, CancellationToken stopping)
    {
        _transport = transport;
        Peer = peer;
        _stopping = stopping;
        _queue = Channel.CreateBounded<RaftMessageBatch>(new BoundedChannelOptions(transport.Options.QueueLimit)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    public ulong Peer { get; }

    /// <summary>Streams opened so far (the first and every reconnect), for tests and diagnostics.</summary>
    public int StreamsOpened => Volatile.Read(ref _streamsOpened);

    public void Start() => _run = Task.Run(RunAsync, CancellationToken.None);

    /// <summary>Queues a batch; false when the queue is full or closed (the caller reports it unreachable).</summary>
    public bool TryEnqueue(RaftMessageBatch batch) => _queue.Writer.TryWrite(batch);

    /// <summary>Stops taking batches and waits for the task (the transport cancels the stopping token first).</summary>
    public Task StopAsync()
    {
        _queue.Writer.TryComplete();
        return _run;
    }

    private async Task RunAsync()
    {
        RpcClientStreamingCall<RaftBatch, RaftBatchStreamSummary>? call = null;
        int failures = 0;
        try
        {
            while (await _queue.Reader.WaitToReadAsync(_stopping).ConfigureAwait(false))
            {
                RaftMessageBatch? current = null;
                try
                {
                    call ??= Open();
                    while (_queue.Reader.TryRead(out current))
                    {
                        await WriteAsync(call, current).ConfigureAwait(false);
                        current = null;
                    }

                    failures = 0;
                }
                catch (RpcException exception) when (!_stopping.IsCancellationRequested)
                {
                    if (call is not null)
                    {
                        await call.DisposeAsync().ConfigureAwait(false);
                        call = null;
                    }

                    failures++;
                    var (groups, batches) = DrainGroups(current);
                    _transport.Metrics.Dropped(Peer, batches, RaftTransportMetrics.StreamBroken);
                    var backoff = _transport.Backoff(failures);
                    RaftTransportLog.BatchStreamBroken(_transport.Logger, exception, _transport.NodeId, Peer, failures, groups.Count, backoff);
                    if (groups.Count > 0)
                    {
                        _transport.ReportUnreachable(Peer, groups);
                    }

                    await Task.Delay(backoff, _transport.Options.TimeProvider, _stopping).ConfigureAwait(false);
                }
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or RpcException && _stopping.IsCancellationRequested)
        {
            // The transport is shutting down.
        }
        finally
        {
            if (call is not null)
            {
                await call.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private RpcClientStreamingCall<RaftBatch, RaftBatchStreamSummary> Open()
    {
        var channel = _transport.ChannelFor(Peer)
            ?? throw new RpcException(RpcStatusCode.Unavailable, $"no address known for node {Peer}");
        if (Interlocked.Increment(ref _streamsOpened) > 1)
        {
            _transport.Metrics.Reconnected(Peer);
        }

        return channel.ClientStreaming(RaftTransportMethods.SendBatches, new RpcCallOptions { CancellationToken = _stopping });
    }

    /// <summary>Writes a host batch as one wire batch, or several when its messages exceed the wire batch size.</summary>
    private async Task WriteAsync(RpcClientStreamingCall<RaftBatch, RaftBatchStreamSummary> call, RaftMessageBatch batch)
    {
        var wire = new RaftBatch { From = batch.From, To = batch.To };
        wire.QuiescedGroups.Add(batch.QuiescedGroups);
        int size = 0;
        foreach (var message in batch.Messages)
        {
            var encoded = RaftMessageCodec.ToWire(message);
            int messageSize = encoded.CalculateSize();
            if (wire.Messages.Count > 0 && size + messageSize > _transport.Options.MaxWireBatchBytes)
            {
                await call.WriteAsync(wire, _stopping).ConfigureAwait(false);
                _transport.Metrics.Sent(Peer, wire.Messages.Count, size);
                wire = new RaftBatch { From = batch.From, To = batch.To };
                size = 0;
            }

            wire.Messages.Add(encoded);
            size += messageSize;
        }

        await call.WriteAsync(wire, _stopping).ConfigureAwait(false);
        _transport.Metrics.Sent(Peer, wire.Messages.Count, size);
    }

    /// <summary>The groups of the failed batch and of every batch queued behind it, which are dropped, and how many batches that is.</summary>
    private (List<ulong> Groups, int Batches) DrainGroups(RaftMessageBatch? failed)
    {
        var groups = new HashSet<ulong>();
        int batches = 0;
        if (failed is not null)
        {
            AddGroups(groups, failed);
            batches++;
        }

        while (_queue.Reader.TryRead(out var queued))
        {
            AddGroups(groups, queued);
            batches++;
        }

        return ([.. groups], batches);
    }

    internal static void AddGroups(HashSet<ulong> groups, RaftMessageBatch batch)
    {
        foreach (var message in batch.Messages)
        {
            groups.Add(message.GroupId);
        }
    }
}
