namespace Vectron.Storage.Log;

/// <summary>
/// What the engine knows of one group's durable log: where each entries frame lives, the term of every retained
/// index (as runs), the compaction point and the hard state. Recovery and the writer change it through the same
/// four methods, so a reopened engine holds exactly what the running one held.
/// </summary>
/// <remarks>Not thread-safe: the engine guards it with its read/write lock.</remarks>
internal sealed class GroupLog
{
    private readonly List<FrameLocation> _frames = [];
    private readonly List<TermRun> _terms = [];

    public GroupLog(ulong groupId)
    {
        GroupId = groupId;
    }

    public ulong GroupId { get; }

    public ulong CompactedIndex { get; private set; }

    public ulong CompactedTerm { get; private set; }

    public ulong LastIndex { get; private set; }

    public HardState HardState { get; set; }

    public List<FrameLocation> Frames => _frames;

    /// <summary>
    /// During recovery from a log whose oldest segments were deleted: the last index whose entries lived only in those
    /// segments. Deletion requires that a later compaction covers them, so recovery fails if one does not.
    /// </summary>
    public ulong MissingThrough { get; private set; }

    public LogGroupInfo Info => new(GroupId, CompactedIndex + 1, LastIndex, CompactedIndex, CompactedTerm, HardState);

    /// <summary>Adds an entries frame; <paramref name="terms"/> yields the term of each entry in order.</summary>
    /// <returns>False when the frame does not follow the last index (a gap).</returns>
    public bool Append(FrameLocation frame, ReadOnlySpan<ulong> terms)
    {
        if (frame.FirstIndex != LastIndex + 1)
        {
            return false;
        }

        _frames.Add(frame);
        for (int i = 0; i < terms.Length; i++)
        {
            if (_terms.Count == 0 || _terms[^1].Term != terms[i])
            {
                _terms.Add(new TermRun(frame.FirstIndex + (ulong)i, terms[i]));
            }
        }

        LastIndex += (ulong)frame.Count;
        return true;
    }

    /// <summary>Starts a group whose earlier entries were in deleted segments: its log resumes after <paramref name="lastIndex"/>.</summary>
    public void Rebase(ulong lastIndex)
    {
        LastIndex = lastIndex;
        MissingThrough = lastIndex;
    }

    /// <summary>Discards entries from <paramref name="fromIndex"/> on; calls <paramref name="released"/> for each frame no longer referenced.</summary>
    public void Truncate(ulong fromIndex, Action<FrameLocation> released)
    {
        if (fromIndex > LastIndex)
        {
            return;
        }

        fromIndex = Math.Max(fromIndex, CompactedIndex + 1);
        while (_frames.Count > 0 && _frames[^1].FirstIndex >= fromIndex)
        {
            released(_frames[^1]);
            _frames.RemoveAt(_frames.Count - 1);
        }

        if (_frames.Count > 0)
        {
            var last = _frames[^1];
            ulong keep = fromIndex - last.FirstIndex;
            if (keep < (ulong)last.Count)
            {
                _frames[^1] = last with { Count = (int)keep };
            }
        }

        while (_terms.Count > 0 && _terms[^1].StartIndex >= fromIndex)
        {
            _terms.RemoveAt(_terms.Count - 1);
        }

        LastIndex = fromIndex - 1;
        MissingThrough = Math.Min(MissingThrough, LastIndex);
    }

    /// <summary>Drops entries through <paramref name="throughIndex"/>; a compaction at or below the current point changes nothing.</summary>
    public void Compact(ulong throughIndex, ulong term, Action<FrameLocation> released)
    {
        if (throughIndex <= CompactedIndex)
        {
            return;
        }

        int drop = 0;
        while (drop < _frames.Count && _frames[drop].LastIndex <= throughIndex)
        {
            released(_frames[drop]);
            drop++;
        }

        _frames.RemoveRange(0, drop);
        if (throughIndex >= LastIndex)
        {
            _terms.Clear();
            LastIndex = throughIndex;
        }
        else if (_terms.Count > 0 && _terms[0].StartIndex <= throughIndex + 1)
        {
            int firstKept = TermRunIndex(throughIndex + 1);
            _terms.RemoveRange(0, firstKept);
            _terms[0] = _terms[0] with { StartIndex = throughIndex + 1 };
        }

        CompactedIndex = throughIndex;
        CompactedTerm = term;
    }

    public bool TryGetTerm(ulong index, out ulong term)
    {
        if (index == CompactedIndex)
        {
            term = CompactedTerm;
            return true;
        }

        if (index < CompactedIndex || index > LastIndex)
        {
            term = 0;
            return false;
        }

        term = _terms[TermRunIndex(index)].Term;
        return true;
    }

    /// <summary>The position in <see cref="Frames"/> of the frame holding <paramref name="index"/> (which must be retained).</summary>
    public int FrameIndexOf(ulong index)
    {
        int low = 0;
        int high = _frames.Count - 1;
        while (low < high)
        {
            int middle = (low + high + 1) >>> 1;
            if (_frames[middle].FirstIndex <= index)
            {
                low = middle;
            }
            else
            {
                high = middle - 1;
            }
        }

        return low;
    }

    // The run holding a retained index: the last run starting at or before it.
    private int TermRunIndex(ulong index)
    {
        int low = 0;
        int high = _terms.Count - 1;
        while (low < high)
        {
            int middle = (low + high + 1) >>> 1;
            if (_terms[middle].StartIndex <= index)
            {
                low = middle;
            }
            else
            {
                high = middle - 1;
            }
        }

        return low;
    }

    private readonly record struct TermRun(ulong StartIndex, ulong Term);
}

/// <summary>Where an entries frame lives: segment, byte offset and length, and the entries it holds that are still retained.</summary>
internal readonly record struct FrameLocation(long Segment, long Offset, int Length, ulong FirstIndex, int Count)
{
    public ulong LastIndex => FirstIndex + (ulong)Count - 1;
}
