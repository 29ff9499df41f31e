namespace Vectron.Raft.Core.Tracking;

/// <summary>
/// The append messages sent to one follower and not yet acknowledged, by last index and byte size.
/// Full when either the count or the byte cap is reached; the leader then stops sending until
/// acknowledgements free room. May exceed the caps by the one probe a heartbeat response allows.
/// </summary>
internal sealed class Inflights
{
    private readonly Queue<(ulong Index, long Bytes)> _queue = new();
    private readonly int _maxCount;
    private readonly long _maxBytes;

    public Inflights(int maxCount, long maxBytes)
    {
        _maxCount = maxCount;
        _maxBytes = maxBytes;
    }

    public int Count => _queue.Count;

    public long Bytes { get; private set; }

    public bool Full => _queue.Count >= _maxCount || (_maxBytes > 0 && Bytes >= _maxBytes);

    public void Add(ulong index, long bytes)
    {
        _queue.Enqueue((index, bytes));
        Bytes += bytes;
    }

    /// <summary>Frees every message whose last index is at most <paramref name="index"/>.</summary>
    public void FreeLessOrEqual(ulong index)
    {
        while (_queue.Count > 0 && _queue.Peek().Index <= index)
        {
            Bytes -= _queue.Dequeue().Bytes;
        }
    }

    public void Reset()
    {
        _queue.Clear();
        Bytes = 0;
    }
}
