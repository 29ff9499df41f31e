namespace Vectron.Raft.Core.Quorum;

/// <summary>The outcome of counting votes.</summary>
internal enum VoteResult : byte
{
    /// <summary>Neither won nor lost yet.</summary>
    Pending = 0,
    /// <summary>A quorum said no.</summary>
    Lost = 1,
    /// <summary>A quorum said yes.</summary>
    Won = 2,
}

/// <summary>A set of voters decided by simple majority (Raft §3.4). Ids are kept sorted so iteration is deterministic.</summary>
internal sealed class MajorityConfig
{
    private readonly SortedSet<ulong> _ids = [];

    public MajorityConfig()
    {
    }

    public MajorityConfig(IEnumerable<ulong> ids)
    {
        foreach (var id in ids)
        {
            _ids.Add(id);
        }
    }

    public int Count => _ids.Count;

    public IReadOnlyCollection<ulong> Ids => _ids;

    public bool Contains(ulong id) => _ids.Contains(id);

    public void Add(ulong id) => _ids.Add(id);

    public void Remove(ulong id) => _ids.Remove(id);

    public MajorityConfig Clone() => new(_ids);

    /// <summary>
    /// The largest index acknowledged by a majority: sort the voters' acknowledged indexes descending
    /// and take the one at position n/2. An empty config returns <see cref="ulong.MaxValue"/> so that
    /// it never holds back the other half of a joint config.
    /// </summary>
    public ulong CommittedIndex(Func<ulong, ulong> acknowledged)
    {
        var n = _ids.Count;
        if (n == 0)
        {
            return ulong.MaxValue;
        }
        Span<ulong> indexes = n <= 16 ? stackalloc ulong[n] : new ulong[n];
        var i = 0;
        foreach (var id in _ids)
        {
            indexes[i++] = acknowledged(id);
        }
        indexes.Sort();
        // Ascending order: the majority acknowledged at least the element at n - (n/2 + 1).
        return indexes[n - ((n / 2) + 1)];
    }

    /// <summary>Counts votes (true = granted, false = rejected, absent = not heard). An empty config wins (joint half).</summary>
    public VoteResult Vote(IReadOnlyDictionary<ulong, bool> votes)
    {
        if (_ids.Count == 0)
        {
            return VoteResult.Won;
        }
        int granted = 0, missing = 0;
        foreach (var id in _ids)
        {
            if (!votes.TryGetValue(id, out var vote))
            {
                missing++;
            }
            else if (vote)
            {
                granted++;
            }
        }
        var quorum = (_ids.Count / 2) + 1;
        if (granted >= quorum)
        {
            return VoteResult.Won;
        }
        return granted + missing >= quorum ? VoteResult.Pending : VoteResult.Lost;
    }

    public override string ToString() => $"({string.Join(' ', _ids)})";
}
