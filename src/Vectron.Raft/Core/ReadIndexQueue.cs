namespace Vectron.Raft.Core;

/// <summary>
/// The leader's pending ReadIndex requests (Raft §6.4). Each gets a sequence number that rides on a
/// heartbeat round; once a quorum acknowledges a round, it and every earlier request are confirmed:
/// the leader was still the leader when the round went out, so its commit index then was current.
/// </summary>
internal sealed class ReadIndexQueue
{
    private readonly Dictionary<ulong, Pending> _pending = [];
    private readonly Queue<ulong> _order = new();

    /// <summary>The sequence number of the newest pending request, or 0.</summary>
    public ulong LastPending { get; private set; }

    public int Count => _order.Count;

    public void Add(ulong sequence, ulong index, Message request)
    {
        _pending[sequence] = new Pending(index, request, []);
        _order.Enqueue(sequence);
        LastPending = sequence;
    }

    /// <summary>Records that <paramref name="from"/> acknowledged round <paramref name="sequence"/>; null when unknown.</summary>
    public IReadOnlyDictionary<ulong, bool>? Acknowledge(ulong sequence, ulong from)
    {
        if (!_pending.TryGetValue(sequence, out var pending))
        {
            return null;
        }
        pending.Acks[from] = true;
        return pending.Acks;
    }

    /// <summary>Removes and returns the requests up to and including <paramref name="sequence"/>, oldest first.</summary>
    public List<(ulong Index, Message Request)> ConfirmThrough(ulong sequence)
    {
        var confirmed = new List<(ulong, Message)>();
        if (!_pending.ContainsKey(sequence))
        {
            return confirmed;
        }
        while (_order.Count > 0)
        {
            var next = _order.Dequeue();
            var pending = _pending[next];
            _pending.Remove(next);
            confirmed.Add((pending.Index, pending.Request));
            if (next == sequence)
            {
                break;
            }
        }
        if (_order.Count == 0)
        {
            LastPending = 0;
        }
        return confirmed;
    }

    public void Clear()
    {
        _pending.Clear();
        _order.Clear();
        LastPending = 0;
    }

    private sealed record Pending(ulong Index, Message Request, Dictionary<ulong, bool> Acks);
}
