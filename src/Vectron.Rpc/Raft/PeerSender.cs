using System.Threading.Channels;
using Vectron.Raft.Hosting;
using Vectron.Rpc.Client;
using Vectron.Rpc.Protocol.Internal;

namespace Vectron.Rpc.Raft;

/// <summary>
/// Sends the batches for one destination node: a bounded queue the consensus loop writes into without waiting, and
/// one task that holds one long-lived <see cref="RaftTransportMethods.SendBatches"/> stream and writes the queue into
/// it. A stream found dead before a write (the peer restarted), or that breaks under the first write after it had
/// carried batches, is replaced at once and the batch sent on the new one. When a new stream's write fails, the groups
/// of the failed batch and of every batch queued behind it are reported unreachable (Raft probes again; resending stale
/// messages would only slow the follower), the stream is dropped, and after an exponential backoff with jitter a new
/// stream is opened for the next batch.
/// Once asked to (<see cref="Warm"/>: the transport's <see cref="RpcRaftTransport.Connect"/>), the sender also keeps a
/// stream open while idle: a stream that ends without a batch to send (the peer went away) is opened again at once, and
/// after repeated failures with the same backoff, so the first message of an election — followers send each other
/// nothing until then — does not wait for a connection to be set up. A cold connection widened the window in which
/// two followers both pass the pre-vote and split the vote (one failover in ~40 here took an extra election timeout).
/// </summary>
internal sealed class PeerSender
{
    // Queued to wake the sender without a batch: (re)open the stream if there is none or it has ended.
    private static readonly RaftMessageBatch WakeSignal = new(0, 0, [], []);

    private readonly RpcRaftTransport _transport;
    private readonly Channel<RaftMessageBatch> _queue;
    private readonly CancellationToken _stopping;
    private Task _run = Task.CompletedTask;
    private int _streamsOpened;
    private RpcClientStreamingCall<RaftBatch, RaftBatchStreamSummary>? _current;
    private volatile bool _keepOpen;
    private int _idleReopens; // kept-open streams in a row that ended without carrying anything or staying up
    private int _warmRequested; // 1 after Warm until a watcher skips its backoff for it
    private RpcClientStreamingCall<RaftBatch, RaftBatchStreamSummary>? _watchedCall; // the call a watcher waits on (RunAsync's thread only)

    public PeerSender(RpcRaftTransport transport, ulong peer, CancellationToken stopping)
    {
        _transport = transport;
        Peer = peer;
        _stopping = stopping;
        _queue = Channel.CreateBounded<RaftMessageBatch>(new BoundedChannelOptions(transport.Options.QueueLimit)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
            // The consensus loop's TryWrite resumes an idle sender on the loop's own thread, which frames the batch
            // and hands it to the HTTP/2 connection at once: no thread-pool hop (a wake-up of a parked worker) on the
            // path of every append and acknowledgement. The sender gives the thread back at its first await that
            // does not complete at once; it touches no loop state, and its failure path only queues work for the host.
            AllowSynchronousContinuations = true,
        });
    }

    public ulong Peer { get; }

    /// <summary>Streams opened so far (the first and every reconnect), for tests and diagnostics.</summary>
    public int StreamsOpened => Volatile.Read(ref _streamsOpened);

    /// <summary>Whether the newest stream has ended before being completed (its peer went away), for tests.</summary>
    public bool StreamEndedEarly => Volatile.Read(ref _current)?.EndedEarly == true;

    public void Start() => _run = Task.Run(RunAsync, CancellationToken.None);

    /// <summary>Queues a batch; false when the queue is full or closed (the caller reports it unreachable).</summary>
    public bool TryEnqueue(RaftMessageBatch batch) => _queue.Writer.TryWrite(batch);

    /// <summary>Opens a stream now, and from now on keeps one open while idle (see the class remarks).</summary>
    public void Warm()
    {
        _keepOpen = true;
        Volatile.Write(ref _warmRequested, 1); // a reconnect attempt still under way then retries without backoff
        _queue.Writer.TryWrite(WakeSignal);
    }

    /// <summary>Stops taking batches and waits for the task (the transport cancels the stopping token first).</summary>
    public Task StopAsync()
    {
        _queue.Writer.TryComplete();
        return _run;
    }

    private async Task RunAsync()
    {
        RpcClientStreamingCall<RaftBatch, RaftBatchStreamSummary>? call = null;
        RaftMessageBatch? pending = null;
        int failures = 0;
        bool streamCarried = false;
        try
        {
            while (pending is not null || await _queue.Reader.WaitToReadAsync(_stopping).ConfigureAwait(false))
            {
                RaftMessageBatch? current = null;
                try
                {
                    if (call is { EndedEarly: true })
                    {
                        // The stream died while idle (the peer stopped or restarted; the connection is gone): open a
                        // new one for this batch rather than lose it on a write that can only fail.
                        // A kept-open stream that ended before carrying anything or staying up: the peer is still
                        // away; back off. One that carried batches or stayed up was healthy: reopen at once.
                        _idleReopens = streamCarried || StayedUp(call) ? 0 : _idleReopens + 1;
                        await call.DisposeAsync().ConfigureAwait(false);
                        call = null;
                    }

                    if (call is null)
                    {
                        call = Open();
                        streamCarried = false;
                    }

                    bool pendingWritten = false;
                    if (pending is not null)
                    {
                        current = pending;
                        pending = null;
                        await WriteAsync(call, current).ConfigureAwait(false);
                        streamCarried = true;
                        pendingWritten = true;
                    }

                    bool wrote = false;
                    while (_queue.Reader.TryRead(out current))
                    {
                        if (ReferenceEquals(current, WakeSignal))
                        {
                            if (call.EndedEarly)
                            {
                                // Ended since the check above: go round again so the top of the loop reopens it.
                                _queue.Writer.TryWrite(WakeSignal);
                                break;
                            }

                            if (_keepOpen && !ReferenceEquals(_watchedCall, call))
                            {
                                Watch(call); // opened before Connect asked to keep it open
                            }

                            continue;
                        }

                        await WriteAsync(call, current).ConfigureAwait(false);
                        streamCarried = true;
                        wrote = true;
                        _idleReopens = 0;
                    }

                    current = null;
                    if (wrote || pendingWritten)
                    {
                        failures = 0; // only a stream that took a write is proof that the peer is back
                    }
                }
                catch (RpcException exception) when (!_stopping.IsCancellationRequested)
                {
                    if (call is not null)
                    {
                        await call.DisposeAsync().ConfigureAwait(false);
                        call = null;
                    }

                    if (streamCarried && current is not null)
                    {
                        // A stream that had carried batches broke under this one (it died between the check above and
                        // the write): send the batch once more, at once, on a new stream. Raft tolerates a duplicate;
                        // a dropped vote or append would cost an election timeout or a heartbeat interval. Only a new
                        // stream's failure counts toward the backoff.
                        pending = current;
                        streamCarried = false;
                        continue;
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
                    if (_keepOpen)
                    {
                        _queue.Writer.TryWrite(WakeSignal); // the drain above may have taken the watcher's wake
                    }
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

        var call = channel.ClientStreaming(RaftTransportMethods.SendBatches, new RpcCallOptions { CancellationToken = _stopping });
        Volatile.Write(ref _current, call);
        call.OpenedAt = _transport.Options.TimeProvider.GetTimestamp();
        if (_keepOpen)
        {
            Watch(call);
        }

        return call;
    }

    /// <summary>Whether <paramref name="call"/> stayed open longer than the reconnect backoff's cap before it ended.</summary>
    private bool StayedUp(RpcClientStreamingCall<RaftBatch, RaftBatchStreamSummary> call) =>
        _transport.Options.TimeProvider.GetElapsedTime(call.OpenedAt) > _transport.Options.ReconnectBackoffMax;

    /// <summary>Starts the one watcher of <paramref name="call"/> (RunAsync's thread).</summary>
    private void Watch(RpcClientStreamingCall<RaftBatch, RaftBatchStreamSummary> call)
    {
        _watchedCall = call;
        _ = WakeWhenEndedAsync(call, _idleReopens);
    }

    /// <summary>
    /// Wakes the sender when <paramref name="call"/> ends: at once when it had stayed up (or a Connect asked since),
    /// else after the backoff for <paramref name="idleReopens"/> failed reopenings.
    /// </summary>
    private async Task WakeWhenEndedAsync(RpcClientStreamingCall<RaftBatch, RaftBatchStreamSummary> call, int idleReopens)
    {
        try
        {
            await call.Ended.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            bool healthy = StayedUp(call);
            if (!healthy && idleReopens > 0 && Interlocked.Exchange(ref _warmRequested, 0) == 0)
            {
                await Task.Delay(_transport.Backoff(idleReopens), _transport.Options.TimeProvider, _stopping).ConfigureAwait(false);
            }

            _queue.Writer.TryWrite(WakeSignal);
        }
        catch (OperationCanceledException)
        {
            // The transport is stopping.
        }
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
            if (!ReferenceEquals(queued, WakeSignal))
            {
                AddGroups(groups, queued);
                batches++;
            }
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
