using Vectron.Server.Model;

namespace Vectron.Server.Worker;

/// <summary>The best <c>k</c> hits seen so far (a bounded heap with the worst on top).</summary>
internal sealed class TopHits
{
    private readonly int _k;
    private readonly ScoreOrder _order;
    private readonly PriorityQueue<int, (float Score, PointId Id)> _heap;
    private readonly HashSet<int> _slots = [];

    public TopHits(int k, ScoreOrder order)
    {
        _k = k;
        _order = order;
        // The heap's minimum is the worst hit: invert the best-first order.
        _heap = new PriorityQueue<int, (float Score, PointId Id)>(Comparer<(float Score, PointId Id)>.Create((x, y) => order.Compare(y, x)));
    }

    public void Offer(int slot, PointId id, float score)
    {
        if (_slots.Contains(slot))
        {
            return;
        }

        if (_heap.Count < _k)
        {
            _heap.Enqueue(slot, (score, id));
            _slots.Add(slot);
            return;
        }

        _heap.TryPeek(out int worstSlot, out (float Score, PointId Id) worst);
        if (_order.Compare((score, id), worst) < 0)
        {
            _heap.DequeueEnqueue(slot, (score, id));
            _slots.Remove(worstSlot);
            _slots.Add(slot);
        }
    }

    /// <summary>The hits best first.</summary>
    public List<(int Slot, float Score, PointId Id)> Drain()
    {
        var hits = new List<(int Slot, float Score, PointId Id)>(_heap.Count);
        while (_heap.TryDequeue(out int slot, out (float Score, PointId Id) key))
        {
            hits.Add((slot, key.Score, key.Id));
        }

        hits.Reverse();
        return hits;
    }
}
