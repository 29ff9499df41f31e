namespace Vectron.Raft.Core;

/// <summary>
/// The node's log: stable entries through <see cref="IRaftStorage"/> followed by unstable ones.
/// Tracks the commit and applied indexes (applied ≤ committed ≤ last index).
/// </summary>
internal sealed class RaftLog
{
    private readonly IRaftStorage _storage;
    private readonly long _maxCommittedBytes;

    public RaftLog(IRaftStorage storage, long maxCommittedBytes)
    {
        _storage = storage;
        _maxCommittedBytes = maxCommittedBytes;
        var first = storage.FirstIndex;
        Unstable = new UnstableLog(storage.LastIndex + 1);
        Committed = first - 1;
        Applied = first - 1;
    }

    public UnstableLog Unstable { get; }

    public ulong Committed { get; private set; }

    public ulong Applied { get; private set; }

    public IRaftStorage Storage => _storage;

    public ulong FirstIndex => Unstable.TryFirstIndex(out var index) ? index : _storage.FirstIndex;

    public ulong LastIndex => Unstable.TryLastIndex(out var index) ? index : _storage.LastIndex;

    /// <summary>The last index the host has persisted (entries after it are still unstable).</summary>
    public ulong LastStableIndex => Math.Min(LastIndex, Unstable.Offset - 1);

    public ulong LastTerm => Term(LastIndex);

    /// <summary>The term at <paramref name="index"/>, or 0 when it is compacted or beyond the end.</summary>
    public ulong Term(ulong index)
    {
        TryTerm(index, out var term);
        return term;
    }

    public bool TryTerm(ulong index, out ulong term)
    {
        // The valid range is [FirstIndex - 1, LastIndex]: the entry before the first is the snapshot point.
        var dummy = FirstIndex - 1;
        if (index < dummy || index > LastIndex)
        {
            term = 0;
            return false;
        }
        if (Unstable.TryTerm(index, out term))
        {
            return true;
        }
        return _storage.TryGetTerm(index, out term);
    }

    public bool MatchTerm(ulong index, ulong term) => TryTerm(index, out var held) && held == term;

    /// <summary>Whether a candidate whose last entry is (index, term) is at least as up to date as this log (Raft §5.4.1).</summary>
    public bool IsUpToDate(ulong index, ulong term) => term > LastTerm || (term == LastTerm && index >= LastIndex);

    /// <summary>
    /// A follower's append: if the entry before the new ones matches, appends what conflicts or is
    /// new and advances the commit index. Returns the last index the leader now knows matches, or
    /// null when the previous entry does not match.
    /// </summary>
    public ulong? MaybeAppend(ulong index, ulong logTerm, ulong committed, IReadOnlyList<Entry> entries)
    {
        if (!MatchTerm(index, logTerm))
        {
            return null;
        }
        var lastNew = index + (ulong)entries.Count;
        var conflict = FindConflict(entries);
        if (conflict != 0)
        {
            if (conflict <= Committed)
            {
                throw new InvalidOperationException($"entry {conflict} conflicts with the committed log (committed {Committed})");
            }
            var from = (int)(conflict - (index + 1));
            Append(Slice(entries, from));
        }
        CommitTo(Math.Min(committed, lastNew));
        return lastNew;
    }

    private static List<Entry> Slice(IReadOnlyList<Entry> entries, int from)
    {
        var list = new List<Entry>(entries.Count - from);
        for (var i = from; i < entries.Count; i++)
        {
            list.Add(entries[i]);
        }
        return list;
    }

    /// <summary>The index of the first entry that is new or has a different term than held; 0 when all match.</summary>
    private ulong FindConflict(IReadOnlyList<Entry> entries)
    {
        foreach (var entry in entries)
        {
            if (!MatchTerm(entry.Index, entry.Term))
            {
                return entry.Index;
            }
        }
        return 0;
    }

    /// <summary>
    /// The largest index ≤ <paramref name="index"/> whose term is ≤ <paramref name="term"/>, and
    /// that term: where a log with an entry of <paramref name="term"/> at <paramref name="index"/>
    /// can next match this one (fast backtracking, etcd's findConflictByTerm).
    /// </summary>
    public (ulong Index, ulong Term) FindConflictByTerm(ulong index, ulong term)
    {
        while (true)
        {
            if (!TryTerm(index, out var held))
            {
                return (index, 0);
            }
            if (held <= term)
            {
                return (index, held);
            }
            index--;
        }
    }

    public ulong Append(IReadOnlyList<Entry> entries)
    {
        if (entries.Count == 0)
        {
            return LastIndex;
        }
        var after = entries[0].Index - 1;
        if (after < Committed)
        {
            throw new InvalidOperationException($"appending after {after} would overwrite committed entries (committed {Committed})");
        }
        Unstable.TruncateAndAppend(entries);
        return LastIndex;
    }

    public void CommitTo(ulong index)
    {
        if (Committed >= index)
        {
            return;
        }
        if (LastIndex < index)
        {
            throw new InvalidOperationException($"commit index {index} is beyond the last index {LastIndex}; the log is corrupt, truncated or lost");
        }
        Committed = index;
    }

    /// <summary>Advances the commit index to <paramref name="index"/> if it holds an entry of <paramref name="term"/> (Raft §5.4.2).</summary>
    public bool MaybeCommit(ulong index, ulong term)
    {
        if (index > Committed && Term(index) == term)
        {
            CommitTo(index);
            return true;
        }
        return false;
    }

    public void AppliedTo(ulong index)
    {
        if (index == 0)
        {
            return;
        }
        if (index > Committed || index < Applied)
        {
            throw new InvalidOperationException($"applied index {index} is outside [{Applied}, {Committed}]");
        }
        Applied = index;
    }

    public bool HasPendingSnapshot => Unstable.Snapshot is not null;

    public bool HasNextCommittedEntries =>
        !HasPendingSnapshot && Committed + 1 > Math.Max(Applied + 1, FirstIndex);

    /// <summary>Committed entries not yet applied, at most the configured bytes (at least one).</summary>
    public List<Entry> NextCommittedEntries()
    {
        var result = new List<Entry>();
        if (!HasNextCommittedEntries)
        {
            return result;
        }
        var from = Math.Max(Applied + 1, FirstIndex);
        Entries(from, Committed + 1, _maxCommittedBytes, result);
        return result;
    }

    /// <summary>Entries [lo, hi) up to <paramref name="maxBytes"/> (at least one); false when lo is compacted.</summary>
    public bool Entries(ulong lo, ulong hi, long maxBytes, List<Entry> into)
    {
        if (lo < FirstIndex)
        {
            return false;
        }
        if (hi > LastIndex + 1)
        {
            throw new InvalidOperationException($"entries up to {hi - 1} requested, last index is {LastIndex}");
        }
        if (lo >= hi)
        {
            return true;
        }
        var start = into.Count;
        if (lo < Unstable.Offset)
        {
            var stableHi = Math.Min(hi, Unstable.Offset);
            if (!_storage.TryGetEntries(lo, stableHi, maxBytes, into))
            {
                return false;
            }
            if ((ulong)(into.Count - start) < stableHi - lo)
            {
                // The byte limit cut the stable part short.
                return true;
            }
        }
        if (hi > Unstable.Offset)
        {
            var unstableLo = Math.Max(lo, Unstable.Offset);
            long bytes = 0;
            for (var i = start; i < into.Count; i++)
            {
                bytes += into[i].PayloadSize;
            }
            for (var i = unstableLo; i < hi; i++)
            {
                var entry = Unstable.Entries[(int)(i - Unstable.Offset)];
                bytes += entry.PayloadSize;
                if (into.Count > start && bytes > maxBytes)
                {
                    break;
                }
                into.Add(entry);
            }
        }
        return true;
    }

    /// <summary>The snapshot to send a follower: the unstable one if any, else storage's (null when unavailable).</summary>
    public Snapshot? GetSnapshot() => Unstable.Snapshot ?? _storage.GetSnapshot();

    public void Restore(Snapshot snapshot)
    {
        Committed = snapshot.Index;
        Unstable.Restore(snapshot);
    }

    public void StableTo(ulong index, ulong term) => Unstable.StableTo(index, term);

    public void StableSnapshotTo(ulong index) => Unstable.StableSnapshotTo(index);

    public override string ToString() =>
        $"committed={Committed} applied={Applied} unstable.offset={Unstable.Offset} unstable.entries={Unstable.Entries.Count}";
}
