namespace Vectron.Server.Worker;

/// <summary>
/// A set of slots with O(1) add and remove and enumeration in O(members): a dense member list plus
/// each slot's position in it. (A <see cref="HashSet{T}"/> enumerates its whole capacity, which stays
/// at its high-water mark: after a bulk load drained by the indexer every search would walk it.)
/// Not thread-safe; used under the shard's lock.
/// </summary>
internal sealed class SlotSet
{
    private readonly List<int> _members = [];
    private readonly List<int> _positions = [];

    public int Count => _members.Count;

    /// <summary>The members, in no particular order.</summary>
    public IReadOnlyList<int> Members => _members;

    public bool Contains(int slot) => slot < _positions.Count && _positions[slot] >= 0;

    public bool Add(int slot)
    {
        while (_positions.Count <= slot)
        {
            _positions.Add(-1);
        }

        if (_positions[slot] >= 0)
        {
            return false;
        }

        _positions[slot] = _members.Count;
        _members.Add(slot);
        return true;
    }

    public bool Remove(int slot)
    {
        if (!Contains(slot))
        {
            return false;
        }

        int position = _positions[slot];
        int last = _members[^1];
        _members[position] = last;
        _positions[last] = position;
        _members.RemoveAt(_members.Count - 1);
        _positions[slot] = -1;
        return true;
    }

    public void Clear()
    {
        _members.Clear();
        _positions.Clear();
    }
}
