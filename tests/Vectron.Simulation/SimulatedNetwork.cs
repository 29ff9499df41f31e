using Vectron.Raft.Hosting;

namespace Vectron.Simulation;

/// <summary>
/// The network between simulated hosts: an <see cref="InMemoryNetwork"/> that holds every packet, from which the
/// driver takes each packet as it is sent and gives it a delivery time on the simulated clock. Packets may be
/// dropped, duplicated or delayed (and so reordered); cut links lose packets both when sent (the sender hears the
/// peer is unreachable) and when due (a packet in flight when the link was cut). The report that ends a snapshot
/// stream is the sender's own transport speaking, not traffic: it is only delayed.
/// </summary>
internal sealed class SimulatedNetwork
{
    private readonly InMemoryNetwork _network = new(immediate: false, snapshotChunkBytes: 1024);
    private readonly PriorityQueue<InMemoryPacket, (long Time, long Sequence)> _flights = new();
    private readonly HashSet<(ulong From, ulong To)> _cut = [];
    private readonly FaultCounts _faults;
    private SplitMix _random;
    private long _sequence;

    public SimulatedNetwork(ulong seed, FaultCounts faults)
    {
        _random = new SplitMix(seed);
        _faults = faults;
    }

    /// <summary>Per mille of packets lost.</summary>
    public int DropPerMille { get; set; }

    /// <summary>Per mille of packets delivered twice.</summary>
    public int DuplicatePerMille { get; set; }

    /// <summary>Per mille of packets held back up to <see cref="MaxDelay"/>.</summary>
    public int DelayPerMille { get; set; }

    /// <summary>The longest delay of a held-back packet, in milliseconds.</summary>
    public int MaxDelay { get; set; } = 150;

    /// <summary>Packets delivered so far.</summary>
    public long Delivered { get; private set; }

    /// <summary>Packets in flight.</summary>
    public int InFlight => _flights.Count;

    /// <summary>Whether any link is cut.</summary>
    public bool IsPartitioned => _cut.Count > 0;

    /// <summary>A transport for one host.</summary>
    public ITransport CreateTransport() => _network.CreateTransport();

    /// <summary>The time the next packet is due, or <see cref="long.MaxValue"/>.</summary>
    public long NextDelivery => _flights.TryPeek(out _, out var due) ? due.Time : long.MaxValue;

    /// <summary>Cuts the link from <paramref name="from"/> to <paramref name="to"/>.</summary>
    public void Cut(ulong from, ulong to)
    {
        _cut.Add((from, to));
        _network.Cut(from, to);
    }

    /// <summary>Restores every link.</summary>
    public void Heal()
    {
        _cut.Clear();
        _network.Heal();
    }

    /// <summary>Whether the link from <paramref name="from"/> to <paramref name="to"/> is cut.</summary>
    public bool IsCut(ulong from, ulong to) => _cut.Contains((from, to));

    /// <summary>Takes every packet sent since the last call and schedules it as sent at <paramref name="sendTime"/>.</summary>
    public void Collect(long sendTime)
    {
        var sent = _network.Pending;
        for (int i = 0; i < sent.Count; i++)
        {
            _network.DropAt(0);
        }

        foreach (var packet in sent)
        {
            if (packet.Kind == InMemoryPacketKind.SnapshotSent)
            {
                // Not traffic: the sender's own transport telling it how its stream ended. A real transport always
                // reports (success, or failure by error or timeout), so this is never lost or cut, only delayed.
                Schedule(packet, sendTime + Delay());
                continue;
            }

            if (DropPerMille > 0 && _random.Next(1000) < DropPerMille)
            {
                _faults.Add(FaultKind.MessageDropped);
                continue;
            }

            Schedule(packet, sendTime + Delay());
            if (DuplicatePerMille > 0 && _random.Next(1000) < DuplicatePerMille)
            {
                _faults.Add(FaultKind.MessageDuplicated);
                Schedule(packet, sendTime + Delay() + 1 + _random.Next(30));
            }
        }
    }

    /// <summary>Delivers every packet due by <paramref name="now"/> to hosts that are up, folding each into <paramref name="trace"/>.</summary>
    public void DeliverDue(long now, Func<ulong, bool> isUp, ref TraceHash trace)
    {
        while (_flights.TryPeek(out var packet, out var due) && due.Time <= now)
        {
            _flights.Dequeue();
            if ((packet.Kind != InMemoryPacketKind.SnapshotSent && _cut.Contains((packet.From, packet.To))) || !isUp(packet.To))
            {
                continue;
            }

            Trace(packet, ref trace);
            Delivered++;
            _network.Deliver(packet);
        }
    }

    /// <summary>Forgets every packet in flight (the end of a run).</summary>
    public void Clear() => _flights.Clear();

    private void Schedule(InMemoryPacket packet, long time) => _flights.Enqueue(packet, (time, _sequence++));

    private long Delay()
    {
        if (DelayPerMille > 0 && _random.Next(1000) < DelayPerMille)
        {
            _faults.Add(FaultKind.MessageDelayed);
            return 10 + _random.Next(Math.Max(1, MaxDelay - 10));
        }

        return 1 + _random.Next(3);
    }

    private static void Trace(InMemoryPacket packet, ref TraceHash trace)
    {
        trace.Add(((ulong)packet.Kind << 56) ^ (packet.From << 28) ^ packet.To);
        if (packet.Batch is { } batch)
        {
            foreach (var (groupId, message) in batch.Messages)
            {
                trace.Add(groupId ^ ((ulong)message.Type << 48) ^ (message.Reject ? 1UL << 63 : 0));
                trace.Add(message.Term ^ (message.Index << 20) ^ (message.Commit << 40) ^ ((ulong)message.Entries.Count << 58));
            }

            trace.Add((ulong)batch.QuiescedGroups.Count);
        }
        else if (packet.Chunk is { } chunk)
        {
            trace.Add(chunk.GroupId ^ ((ulong)chunk.Offset << 16) ^ (chunk.Message.Snapshot?.Index ?? 0) << 40);
        }
    }
}
