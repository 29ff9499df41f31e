using Google.Protobuf;
using Vectron.Checksums;
using Vectron.Raft.Hosting;
using Vectron.Rpc.Client;
using Vectron.Rpc.Protocol.Internal;

namespace Vectron.Rpc.Raft;

/// <summary>
/// Streams snapshot payloads: at most <see cref="RpcRaftTransportOptions.MaxConcurrentSnapshots"/> at once, all
/// together within <see cref="RpcRaftTransportOptions.SnapshotBytesPerSecond"/>, each chunk with its CRC-32C. A
/// stream that breaks is resumed where the receiver says it got to (<see cref="RaftTransportMethods.ResumeSnapshot"/>),
/// up to <see cref="RpcRaftTransportOptions.SnapshotResumeAttempts"/> times. Every send ends with exactly one
/// <see cref="IRaftTransportHandler.OnSnapshotSent"/>: the host has no timeout of its own.
/// </summary>
internal sealed class SnapshotSender : IDisposable
{
    private readonly RpcRaftTransport _transport;
    private readonly SemaphoreSlim _slots;
    private readonly TokenBucket _throttle;

    public SnapshotSender(RpcRaftTransport transport)
    {
        _transport = transport;
        _slots = new SemaphoreSlim(transport.Options.MaxConcurrentSnapshots);
        _throttle = new TokenBucket(transport.Options.SnapshotBytesPerSecond, transport.Options.TimeProvider);
    }

    /// <summary>Sends one snapshot and reports the outcome (exactly once, whatever happens).</summary>
    public async Task SendAsync(ulong toNode, SnapshotTransfer transfer, CancellationToken cancellationToken)
    {
        bool failed = true;
        try
        {
            await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                int resumes = await TransferAsync(toNode, transfer, cancellationToken).ConfigureAwait(false);
                failed = false;
                RaftTransportLog.SnapshotSent(_transport.Logger, _transport.NodeId, transfer.GroupId, transfer.Message.Snapshot?.Index ?? 0, toNode, transfer.Payload.Length, resumes);
            }
            finally
            {
                _slots.Release();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The transport is shutting down: the send failed.
        }
#pragma warning disable CA1031 // A background send: every failure becomes the failed report below.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            RaftTransportLog.SnapshotFailed(_transport.Logger, exception, _transport.NodeId, transfer.GroupId, transfer.Message.Snapshot?.Index ?? 0, toNode);
        }
        finally
        {
            _transport.ReportSnapshotSent(transfer.GroupId, toNode, failed);
        }
    }

    public void Dispose() => _slots.Dispose();

    /// <summary>True for failures a new stream may get past (a broken connection, a lost or refused chunk), false for a receiver that will never take the snapshot.</summary>
    internal static bool IsResumable(RpcException exception) => exception.Status is not (RpcStatusCode.InvalidArgument or RpcStatusCode.FailedPrecondition
        or RpcStatusCode.Unimplemented or RpcStatusCode.PermissionDenied or RpcStatusCode.Unauthenticated);

    /// <summary>Streams the payload, resuming after breaks; returns how many resumes it took.</summary>
    private async Task<int> TransferAsync(ulong toNode, SnapshotTransfer transfer, CancellationToken cancellationToken)
    {
        var message = RaftMessageCodec.ToWire(transfer.Message);
        long offset = 0;
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                if (attempt > 0)
                {
                    await Task.Delay(_transport.Backoff(attempt), _transport.Options.TimeProvider, cancellationToken).ConfigureAwait(false);
                    offset = await AskResumeOffsetAsync(toNode, transfer, cancellationToken).ConfigureAwait(false);
                    RaftTransportLog.SnapshotResumed(_transport.Logger, _transport.NodeId, transfer.GroupId, toNode, offset);
                    if (offset == transfer.Payload.Length && offset > 0)
                    {
                        // The receiver assembled it all (only the summary was lost).
                        return attempt;
                    }
                }

                await StreamAsync(toNode, transfer, message, offset, cancellationToken).ConfigureAwait(false);
                return attempt;
            }
            catch (RpcException exception) when (attempt < _transport.Options.SnapshotResumeAttempts && IsResumable(exception) && !cancellationToken.IsCancellationRequested)
            {
                RaftTransportLog.SnapshotStreamBroken(_transport.Logger, exception, _transport.NodeId, transfer.GroupId, toNode, attempt + 1);
            }
        }
    }

    private async Task<long> AskResumeOffsetAsync(ulong toNode, SnapshotTransfer transfer, CancellationToken cancellationToken)
    {
        var channel = ChannelTo(toNode);
        var snapshot = transfer.Message.Snapshot;
        var reply = await channel.UnaryAsync(RaftTransportMethods.ResumeSnapshot, new RaftSnapshotResumeRequest
        {
            From = _transport.NodeId,
            To = toNode,
            GroupId = transfer.GroupId,
            Term = transfer.Message.Term,
            Index = snapshot?.Index ?? 0,
            SnapshotTerm = snapshot?.Term ?? 0,
        }, new RpcCallOptions { Timeout = _transport.Options.SnapshotStreamTimeout, CancellationToken = cancellationToken }).ConfigureAwait(false);

        // An offset past the payload can only be a confused receiver: start over.
        return reply.Offset >= 0 && reply.Offset <= transfer.Payload.Length ? reply.Offset : 0;
    }

    /// <summary>One stream: the chunks from <paramref name="offset"/> to the end, then the receiver's summary.</summary>
    private async Task StreamAsync(ulong toNode, SnapshotTransfer transfer, RaftMessage message, long offset, CancellationToken cancellationToken)
    {
        var channel = ChannelTo(toNode);
        var payload = transfer.Payload;
        var call = channel.ClientStreaming(RaftTransportMethods.SendSnapshot,
            new RpcCallOptions { Timeout = _transport.Options.SnapshotStreamTimeout, CancellationToken = cancellationToken });
        await using (call.ConfigureAwait(false))
        {
            int position = checked((int)offset);
            bool first = true;
            do
            {
                int length = Math.Min(_transport.Options.SnapshotChunkBytes, payload.Length - position);
                await _throttle.TakeAsync(length, cancellationToken).ConfigureAwait(false);
                var data = payload.Slice(position, length);
                var chunk = new RaftSnapshotChunk
                {
                    From = _transport.NodeId,
                    To = toNode,
                    GroupId = transfer.GroupId,
                    Offset = position,
                    Data = UnsafeByteOperations.UnsafeWrap(data),
                    Last = position + length == payload.Length,
                    Crc32C = Crc32C.Compute(data.Span),
                    TotalLength = payload.Length,
                };
                if (first)
                {
                    // The first chunk of every stream, resumed ones too, names the snapshot.
                    chunk.Message = message;
                    first = false;
                }

                await call.WriteAsync(chunk, cancellationToken).ConfigureAwait(false);
                _transport.Metrics.SnapshotBytesSent(toNode, length);
                position += length;
            }
            while (position < payload.Length);

            var summary = await call.CompleteAsync().ConfigureAwait(false);
            if (summary.ReceivedThrough != payload.Length)
            {
                throw new RpcException(RpcStatusCode.DataLoss, $"the receiver holds {summary.ReceivedThrough} of {payload.Length} bytes after the last chunk");
            }
        }
    }

    private RpcChannel ChannelTo(ulong toNode) =>
        _transport.ChannelFor(toNode) ?? throw new RpcException(RpcStatusCode.Unavailable, $"no address known for node {toNode}");
}
