using Vectron.Raft.Core;

namespace Vectron.Raft.Hosting;

/// <summary>Traffic: batching outgoing messages per node, snapshot streams, and what the transport reports back.</summary>
public sealed partial class RaftHost
{
    void IRaftTransportHandler.OnMessages(RaftMessageBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        _incoming.Enqueue(batch);
        Signal();
    }

    void IRaftTransportHandler.OnSnapshotChunk(ulong fromNode, SnapshotChunk chunk)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        _incomingChunks.Enqueue((fromNode, chunk));
        Signal();
    }

    void IRaftTransportHandler.OnUnreachable(ulong node, IReadOnlyList<ulong> groupIds)
    {
        ArgumentNullException.ThrowIfNull(groupIds);
        Post(() =>
        {
            foreach (var groupId in groupIds)
            {
                if (_groups.TryGetValue(groupId, out var group))
                {
                    group.Node.ReportUnreachable(node);
                    NoteActivity(group);
                    MarkDirty(group);
                }
            }
        });
    }

    void IRaftTransportHandler.OnSnapshotSent(ulong groupId, ulong node, bool failed) => Post(() =>
    {
        if (_groups.TryGetValue(groupId, out var group))
        {
            group.Node.ReportSnapshot(node, failed);
            NoteActivity(group);
            MarkDirty(group);
        }
    });

    private void QueueMessages(RaftGroup group, IReadOnlyList<Message> messages)
    {
        foreach (var message in messages)
        {
            if (message.Type == MessageType.Snapshot)
            {
                SendSnapshot(group, message);
                continue;
            }
            if (!_outgoing.TryGetValue(message.To, out var list))
            {
                list = [];
                _outgoing[message.To] = list;
            }
            list.Add(new GroupMessage(group.GroupId, message));
        }
    }

    /// <summary>Hands every destination node its batch: one transport call per node, however many groups.</summary>
    private void FlushOutgoing()
    {
        foreach (var (node, messages) in _outgoing)
        {
            if (messages.Count == 0 && !_outgoingQuiesce.ContainsKey(node))
            {
                continue;
            }
            _outgoingQuiesce.Remove(node, out var quiesced);
            var batch = new RaftMessageBatch(NodeId, node, [.. messages], quiesced ?? []);
            messages.Clear();
            Metrics.MessagesSent(batch.Messages.Count);
            _transport.Send(batch);
        }
        foreach (var (node, quiesced) in _outgoingQuiesce)
        {
            _transport.Send(new RaftMessageBatch(NodeId, node, [], quiesced));
        }
        _outgoingQuiesce.Clear();
    }

    private void SendSnapshot(RaftGroup group, Message message)
    {
        var index = message.Snapshot!.Index;
        if (_snapshots.TryLoad(group.GroupId, index, out var payload))
        {
            _transport.SendSnapshot(message.To, new SnapshotTransfer(group.GroupId, message, payload));
            return;
        }
        RaftHostLog.SnapshotPayloadMissing(_logger, NodeId, group.GroupId, index, message.To);
        var to = message.To;
        Post(() =>
        {
            group.Node.ReportSnapshot(to, failed: true);
            MarkDirty(group);
        });
    }

    private async ValueTask ReceiveSnapshotChunkAsync(ulong from, SnapshotChunk chunk, CancellationToken cancellationToken)
    {
        var key = (chunk.GroupId, from);
        if (chunk.Offset == 0)
        {
            if (_snapshotAssemblies.Remove(key, out var replaced))
            {
                await replaced.Stream.DisposeAsync().ConfigureAwait(false);
            }
            _snapshotAssemblies[key] = (StreamOf(chunk), new MemoryStream());
        }
        if (_snapshotAssemblies.TryGetValue(key, out var assembly) && assembly.Id != StreamOf(chunk))
        {
            // A chunk of another stream: a leader may start a second stream (a newer snapshot) while
            // chunks of the first are still on their way. Appended here it would make a payload no
            // leader wrote, so it is ignored and the stream being assembled goes on.
            return;
        }
        if (assembly.Stream is null || assembly.Stream.Length != chunk.Offset)
        {
            // A lost or reordered chunk of this stream: drop it. The leader sends a new snapshot
            // when its probe finds this follower still behind.
            RaftHostLog.SnapshotStreamBroken(_logger, NodeId, chunk.GroupId, from, chunk.Offset);
            if (assembly.Stream is not null)
            {
                await assembly.Stream.DisposeAsync().ConfigureAwait(false);
            }
            _snapshotAssemblies.Remove(key);
            return;
        }
        assembly.Stream.Write(chunk.Data.Span);
        if (!chunk.IsLast)
        {
            return;
        }
        _snapshotAssemblies.Remove(key);
        var payload = assembly.Stream.ToArray();
        await assembly.Stream.DisposeAsync().ConfigureAwait(false);
        if (!_groups.TryGetValue(chunk.GroupId, out var group) || chunk.Message.Snapshot is not { } snapshot)
        {
            return;
        }
        // Durable before Raft hears of it: once the core installs the snapshot the host must be able
        // to restore from it, even after a crash.
        try
        {
            await _snapshots.SaveAsync(chunk.GroupId, snapshot.Metadata, payload, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException exception)
        {
            // Not durable, so Raft must not hear of it; the leader's probe finds this follower still behind.
            RaftHostLog.ReceivedSnapshotSaveFailed(_logger, exception, NodeId, chunk.GroupId, snapshot.Metadata.Index, from);
            return;
        }
        group.Node.Step(chunk.Message);
        NoteActivity(group);
        MarkDirty(group);
    }

    /// <summary>What identifies a snapshot stream: the sender's term and the snapshot's point (one payload per point).</summary>
    private static (ulong Term, ulong Index, ulong SnapshotTerm) StreamOf(SnapshotChunk chunk) =>
        (chunk.Message.Term, chunk.Message.Snapshot?.Index ?? 0, chunk.Message.Snapshot?.Term ?? 0);
}
