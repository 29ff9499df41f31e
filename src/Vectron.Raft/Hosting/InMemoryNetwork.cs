namespace Vectron.Raft.Hosting;

/// <summary>
/// A network between hosts in one process, for tests, benchmarks and the simulation. Each host gets
/// an <see cref="ITransport"/> from <see cref="CreateTransport"/>. With <see cref="Immediate"/>
/// delivery a send reaches the destination's queue at once; otherwise packets wait in
/// <see cref="Pending"/> until a driver delivers, drops, duplicates or reorders them. Links can be
/// cut (<see cref="Isolate"/>, <see cref="Partition"/>, <see cref="Cut"/>): a send over a cut link
/// is lost and reported to the sender as unreachable. Thread-safe.
/// </summary>
public sealed class InMemoryNetwork
{
    private readonly Lock _lock = new();
    private readonly Dictionary<ulong, IRaftTransportHandler> _handlers = [];
    private readonly HashSet<(ulong From, ulong To)> _cut = [];
    private readonly List<InMemoryPacket> _pending = [];
    private readonly Dictionary<ulong, long> _deliveredPerGroup = [];
    private readonly int _chunkBytes;

    /// <summary>Creates a network.</summary>
    /// <param name="immediate">Deliver on send (true) or hold packets for a driver (false).</param>
    /// <param name="snapshotChunkBytes">Bytes per snapshot chunk.</param>
    public InMemoryNetwork(bool immediate = true, int snapshotChunkBytes = 64 << 10)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(snapshotChunkBytes);
        Immediate = immediate;
        _chunkBytes = snapshotChunkBytes;
    }

    /// <summary>Whether packets are delivered as they are sent.</summary>
    public bool Immediate { get; }

    /// <summary>Optional silent loss: packets for which it returns true vanish (no unreachable report).</summary>
    public Func<InMemoryPacket, bool>? Drop { get; set; }

    /// <summary>Packets sent and not yet delivered (only without immediate delivery), oldest first.</summary>
    public IReadOnlyList<InMemoryPacket> Pending
    {
        get
        {
            lock (_lock)
            {
                return [.. _pending];
            }
        }
    }

    /// <summary>Raft messages delivered so far, all groups.</summary>
    public long DeliveredMessages
    {
        get
        {
            lock (_lock)
            {
                return _deliveredPerGroup.Values.Sum();
            }
        }
    }

    /// <summary>A transport for one host.</summary>
    public ITransport CreateTransport() => new InMemoryTransport(this);

    /// <summary>Raft messages of <paramref name="groupId"/> delivered so far.</summary>
    public long DeliveredMessagesOf(ulong groupId)
    {
        lock (_lock)
        {
            return _deliveredPerGroup.GetValueOrDefault(groupId);
        }
    }

    /// <summary>Cuts the link from <paramref name="from"/> to <paramref name="to"/> (one direction).</summary>
    public void Cut(ulong from, ulong to)
    {
        lock (_lock)
        {
            _cut.Add((from, to));
        }
    }

    /// <summary>Cuts every link to and from <paramref name="node"/>.</summary>
    public void Isolate(ulong node)
    {
        lock (_lock)
        {
            foreach (var other in _handlers.Keys)
            {
                if (other != node)
                {
                    _cut.Add((node, other));
                    _cut.Add((other, node));
                }
            }
        }
    }

    /// <summary>Cuts every link between <paramref name="side"/> and the other nodes.</summary>
    public void Partition(IReadOnlyCollection<ulong> side)
    {
        ArgumentNullException.ThrowIfNull(side);
        lock (_lock)
        {
            foreach (var inside in side)
            {
                foreach (var other in _handlers.Keys)
                {
                    if (!side.Contains(other))
                    {
                        _cut.Add((inside, other));
                        _cut.Add((other, inside));
                    }
                }
            }
        }
    }

    /// <summary>Restores every link.</summary>
    public void Heal()
    {
        lock (_lock)
        {
            _cut.Clear();
        }
    }

    /// <summary>Delivers and removes the pending packet at <paramref name="index"/> (any order: reordering).</summary>
    public void DeliverAt(int index)
    {
        InMemoryPacket packet;
        lock (_lock)
        {
            packet = _pending[index];
            _pending.RemoveAt(index);
        }
        Deliver(packet);
    }

    /// <summary>Removes the pending packet at <paramref name="index"/> without delivering it (loss).</summary>
    public void DropAt(int index)
    {
        lock (_lock)
        {
            _pending.RemoveAt(index);
        }
    }

    /// <summary>Delivers every pending packet in order, including ones sent meanwhile; returns how many.</summary>
    public int DeliverAll()
    {
        var count = 0;
        while (true)
        {
            InMemoryPacket packet;
            lock (_lock)
            {
                if (_pending.Count == 0)
                {
                    return count;
                }
                packet = _pending[0];
                _pending.RemoveAt(0);
            }
            Deliver(packet);
            count++;
        }
    }

    /// <summary>Delivers a packet (again): a driver may deliver a packet it took from <see cref="Pending"/> twice to duplicate it.</summary>
    public void Deliver(InMemoryPacket packet)
    {
        ArgumentNullException.ThrowIfNull(packet);
        IRaftTransportHandler? handler;
        lock (_lock)
        {
            if (!_handlers.TryGetValue(packet.To, out handler))
            {
                return;
            }
            if (packet.Kind == InMemoryPacketKind.Messages)
            {
                foreach (var message in packet.Batch!.Messages)
                {
                    _deliveredPerGroup[message.GroupId] = _deliveredPerGroup.GetValueOrDefault(message.GroupId) + 1;
                }
            }
        }
        switch (packet.Kind)
        {
            case InMemoryPacketKind.Messages:
                handler.OnMessages(packet.Batch!);
                break;
            case InMemoryPacketKind.SnapshotChunk:
                handler.OnSnapshotChunk(packet.From, packet.Chunk!);
                break;
            default:
                handler.OnSnapshotSent(packet.Chunk!.GroupId, packet.From, failed: false);
                break;
        }
    }

    internal void Bind(ulong nodeId, IRaftTransportHandler handler)
    {
        lock (_lock)
        {
            if (!_handlers.TryAdd(nodeId, handler))
            {
                // A restarted host replaces the old one.
                _handlers[nodeId] = handler;
            }
        }
    }

    internal void Send(RaftMessageBatch batch)
    {
        IRaftTransportHandler? sender;
        bool reachable;
        lock (_lock)
        {
            reachable = _handlers.ContainsKey(batch.To) && !_cut.Contains((batch.From, batch.To));
            _handlers.TryGetValue(batch.From, out sender);
        }
        if (!reachable)
        {
            var groups = batch.Messages.Select(message => message.GroupId).Distinct().ToArray();
            if (groups.Length > 0)
            {
                sender?.OnUnreachable(batch.To, groups);
            }
            return;
        }
        Enqueue(new InMemoryPacket(InMemoryPacketKind.Messages, batch.From, batch.To, batch, null));
    }

    internal void SendSnapshot(ulong from, ulong to, SnapshotTransfer transfer)
    {
        IRaftTransportHandler? sender;
        bool reachable;
        lock (_lock)
        {
            reachable = _handlers.ContainsKey(to) && !_cut.Contains((from, to));
            _handlers.TryGetValue(from, out sender);
        }
        if (!reachable)
        {
            sender?.OnSnapshotSent(transfer.GroupId, to, failed: true);
            return;
        }
        var payload = transfer.Payload;
        SnapshotChunk? last = null;
        var offset = 0;
        do
        {
            var length = Math.Min(_chunkBytes, payload.Length - offset);
            last = new SnapshotChunk(transfer.GroupId, transfer.Message, offset, payload.Slice(offset, length), offset + length == payload.Length);
            Enqueue(new InMemoryPacket(InMemoryPacketKind.SnapshotChunk, from, to, null, last));
            offset += length;
        }
        while (offset < payload.Length);
        // The sender hears of success once the stream is through (in order after the chunks).
        Enqueue(new InMemoryPacket(InMemoryPacketKind.SnapshotSent, to, from, null, last));
    }

    private void Enqueue(InMemoryPacket packet)
    {
        if (Drop is { } drop && drop(packet))
        {
            return;
        }
        if (Immediate)
        {
            Deliver(packet);
            return;
        }
        lock (_lock)
        {
            _pending.Add(packet);
        }
    }
}
