namespace Vectron.Raft.Core;

/// <summary>
/// <see cref="IRaftStorage"/> held in memory: for tests, the simulation and as the model of what a
/// durable implementation must do. Not thread-safe; the host calls it from the node's thread.
/// </summary>
public sealed class MemoryRaftStorage : IRaftStorage
{
    // _entries[0] is a placeholder standing for the snapshot point: its Index and Term are the
    // snapshot's, so the term of FirstIndex - 1 is always known.
    private readonly List<Entry> _entries = [new Entry(0, 0, EntryType.Normal, default)];
    private HardState _hardState;
    private Snapshot _snapshot = new(new SnapshotMetadata(0, 0, ConfState.Empty), default);

    /// <summary>The persisted hard state.</summary>
    public HardState HardState => _hardState;

    /// <summary>The current snapshot (index 0 when none was taken).</summary>
    public Snapshot Snapshot => _snapshot;

    /// <summary>When true <see cref="GetSnapshot"/> reports the snapshot as temporarily unavailable.</summary>
    public bool SnapshotUnavailable { get; set; }

    /// <inheritdoc />
    public (HardState HardState, ConfState ConfState) InitialState() => (_hardState, _snapshot.Metadata.ConfState);

    /// <summary>Records the hard state.</summary>
    public void SetHardState(HardState state) => _hardState = state;

    /// <summary>Sets the membership reported by <see cref="InitialState"/> (bootstrap).</summary>
    public void SetConfState(ConfState confState)
    {
        ArgumentNullException.ThrowIfNull(confState);
        _snapshot = _snapshot with { Metadata = _snapshot.Metadata with { ConfState = confState } };
    }

    /// <inheritdoc />
    public ulong FirstIndex => _entries[0].Index + 1;

    /// <inheritdoc />
    public ulong LastIndex => _entries[0].Index + (ulong)_entries.Count - 1;

    /// <inheritdoc />
    public bool TryGetEntries(ulong from, ulong to, long maxBytes, List<Entry> into)
    {
        ArgumentNullException.ThrowIfNull(into);
        var offset = _entries[0].Index;
        if (from <= offset)
        {
            return false;
        }
        if (to > LastIndex + 1)
        {
            throw new ArgumentOutOfRangeException(nameof(to), $"entries up to {to - 1} requested, last is {LastIndex}");
        }
        long bytes = 0;
        for (var i = from; i < to; i++)
        {
            var entry = _entries[(int)(i - offset)];
            bytes += entry.PayloadSize;
            if (i > from && bytes > maxBytes)
            {
                break;
            }
            into.Add(entry);
        }
        return true;
    }

    /// <inheritdoc />
    public bool TryGetTerm(ulong index, out ulong term)
    {
        var offset = _entries[0].Index;
        if (index < offset || index > LastIndex)
        {
            term = 0;
            return false;
        }
        term = _entries[(int)(index - offset)].Term;
        return true;
    }

    /// <inheritdoc />
    public Snapshot? GetSnapshot() => SnapshotUnavailable ? null : _snapshot;

    /// <summary>Replaces everything with a received snapshot (older snapshots are ignored).</summary>
    public bool ApplySnapshot(Snapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (snapshot.Index <= _snapshot.Index)
        {
            return false;
        }
        _snapshot = snapshot;
        _entries.Clear();
        _entries.Add(new Entry(snapshot.Index, snapshot.Term, EntryType.Normal, default));
        return true;
    }

    /// <summary>Records a snapshot the application took at <paramref name="index"/> (at most the last index).</summary>
    public Snapshot CreateSnapshot(ulong index, ConfState confState, ReadOnlyMemory<byte> data)
    {
        ArgumentNullException.ThrowIfNull(confState);
        if (index <= _snapshot.Index)
        {
            throw new InvalidOperationException($"snapshot at {index} is not newer than the current one at {_snapshot.Index}");
        }
        if (index > LastIndex)
        {
            throw new ArgumentOutOfRangeException(nameof(index), $"snapshot at {index} is past the last index {LastIndex}");
        }
        TryGetTerm(index, out var term);
        _snapshot = new Snapshot(new SnapshotMetadata(index, term, confState), data);
        return _snapshot;
    }

    /// <summary>Drops entries up to and including <paramref name="index"/> (which must be held).</summary>
    public void Compact(ulong index)
    {
        var offset = _entries[0].Index;
        if (index <= offset)
        {
            return;
        }
        if (index > LastIndex)
        {
            throw new ArgumentOutOfRangeException(nameof(index), $"compaction to {index} is past the last index {LastIndex}");
        }
        var keep = (int)(index - offset);
        var placeholder = new Entry(index, _entries[keep].Term, EntryType.Normal, default);
        _entries.RemoveRange(0, keep);
        _entries[0] = placeholder;
    }

    /// <summary>Appends entries, replacing any conflicting suffix. The first must be at most LastIndex + 1.</summary>
    public void Append(IReadOnlyList<Entry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count == 0)
        {
            return;
        }
        var first = entries[0].Index;
        if (first > LastIndex + 1)
        {
            throw new ArgumentException($"entries start at {first}, leaving a gap after the last index {LastIndex}", nameof(entries));
        }
        var offset = _entries[0].Index;
        var skip = 0;
        if (first <= offset)
        {
            // Entries already covered by the snapshot are ignored.
            skip = (int)(offset + 1 - first);
            if (skip >= entries.Count)
            {
                return;
            }
            first = offset + 1;
        }
        var keep = (int)(first - offset);
        if (keep < _entries.Count)
        {
            _entries.RemoveRange(keep, _entries.Count - keep);
        }
        for (var i = skip; i < entries.Count; i++)
        {
            _entries.Add(entries[i]);
        }
    }
}
