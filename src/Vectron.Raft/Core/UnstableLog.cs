namespace Vectron.Raft.Core;

/// <summary>
/// Entries (and at most one snapshot) the node holds but the host has not yet persisted.
/// <see cref="Offset"/> is the index of the first unstable entry.
/// </summary>
internal sealed class UnstableLog
{
    private readonly List<Entry> _entries = [];

    public UnstableLog(ulong offset)
    {
        Offset = offset;
    }

    public ulong Offset { get; private set; }

    public Snapshot? Snapshot { get; private set; }

    public IReadOnlyList<Entry> Entries => _entries;

    public bool TryFirstIndex(out ulong index)
    {
        index = Snapshot is null ? 0 : Snapshot.Index + 1;
        return Snapshot is not null;
    }

    public bool TryLastIndex(out ulong index)
    {
        if (_entries.Count > 0)
        {
            index = Offset + (ulong)_entries.Count - 1;
            return true;
        }
        index = Snapshot is null ? 0 : Snapshot.Index;
        return Snapshot is not null;
    }

    public bool TryTerm(ulong index, out ulong term)
    {
        term = 0;
        if (index < Offset)
        {
            if (Snapshot is not null && Snapshot.Index == index)
            {
                term = Snapshot.Term;
                return true;
            }
            return false;
        }
        if (!TryLastIndex(out var last) || index > last)
        {
            return false;
        }
        term = _entries[(int)(index - Offset)].Term;
        return true;
    }

    /// <summary>The host persisted entries through (index, term): drop them, unless they were replaced meanwhile.</summary>
    public void StableTo(ulong index, ulong term)
    {
        if (!TryTerm(index, out var held) || held != term || index < Offset)
        {
            return;
        }
        _entries.RemoveRange(0, (int)(index + 1 - Offset));
        Offset = index + 1;
    }

    public void StableSnapshotTo(ulong index)
    {
        if (Snapshot is not null && Snapshot.Index == index)
        {
            Snapshot = null;
        }
    }

    public void Restore(Snapshot snapshot)
    {
        Offset = snapshot.Index + 1;
        _entries.Clear();
        Snapshot = snapshot;
    }

    public void TruncateAndAppend(IReadOnlyList<Entry> entries)
    {
        var after = entries[0].Index;
        if (after == Offset + (ulong)_entries.Count)
        {
            // Directly follows: append.
        }
        else if (after <= Offset)
        {
            // Replaces every unstable entry (the host truncates its stable log from `after`).
            Offset = after;
            _entries.Clear();
        }
        else
        {
            _entries.RemoveRange((int)(after - Offset), _entries.Count - (int)(after - Offset));
        }
        foreach (var entry in entries)
        {
            _entries.Add(entry);
        }
    }

    /// <summary>Adds entries [lo, hi) to <paramref name="into"/>; the range must lie within the unstable entries.</summary>
    public void Slice(ulong lo, ulong hi, List<Entry> into)
    {
        for (var i = lo; i < hi; i++)
        {
            into.Add(_entries[(int)(i - Offset)]);
        }
    }
}
