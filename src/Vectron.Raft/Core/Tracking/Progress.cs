namespace Vectron.Raft.Core.Tracking;

/// <summary>How the leader is replicating to one follower.</summary>
public enum ProgressState : byte
{
    /// <summary>One append at a time until the follower's match point is found.</summary>
    Probe = 0,
    /// <summary>Streaming appends optimistically, bounded by the in-flight limits.</summary>
    Replicate = 1,
    /// <summary>A snapshot is on its way; appends wait for it.</summary>
    Snapshot = 2,
}

/// <summary>
/// The leader's view of one follower: <see cref="Match"/> is the highest index known replicated,
/// <see cref="Next"/> the next to send. The state machine follows etcd's tracker: probe until a
/// match is found, then replicate; snapshot when the follower needs compacted entries.
/// </summary>
internal sealed class Progress
{
    public Progress(ulong match, ulong next, Inflights inflights, bool isLearner)
    {
        Match = match;
        Next = next;
        Inflights = inflights;
        IsLearner = isLearner;
    }

    /// <summary>A copy sharing the in-flight window, for computing a configuration change.</summary>
    public Progress ShallowCopy() => (Progress)MemberwiseClone();

    public ulong Match { get; set; }

    public ulong Next { get; set; }

    public ProgressState State { get; private set; }

    /// <summary>The index of the snapshot being sent, while in <see cref="ProgressState.Snapshot"/>.</summary>
    public ulong PendingSnapshot { get; private set; }

    /// <summary>Heard from since the last check-quorum round.</summary>
    public bool RecentActive { get; set; }

    /// <summary>In probe: one append is outstanding. In replicate: the in-flight window is full.</summary>
    public bool Paused { get; set; }

    public Inflights Inflights { get; }

    public bool IsLearner { get; set; }

    private void ResetState(ProgressState state)
    {
        Paused = false;
        PendingSnapshot = 0;
        State = state;
        Inflights.Reset();
    }

    /// <summary>Starts over (a new term): probe from <paramref name="next"/>, nothing in flight, not recently active.</summary>
    public void ResetTo(ulong match, ulong next)
    {
        ResetState(ProgressState.Probe);
        Match = match;
        Next = next;
        RecentActive = false;
    }

    public void BecomeProbe()
    {
        // After a snapshot the follower has at least the snapshot: probe from just past it.
        var pending = State == ProgressState.Snapshot ? PendingSnapshot : 0;
        ResetState(ProgressState.Probe);
        Next = Math.Max(Match + 1, pending + 1);
    }

    public void BecomeReplicate()
    {
        ResetState(ProgressState.Replicate);
        Next = Match + 1;
    }

    public void BecomeSnapshot(ulong snapshotIndex)
    {
        ResetState(ProgressState.Snapshot);
        PendingSnapshot = snapshotIndex;
    }

    /// <summary>Records an acknowledgement up to <paramref name="index"/>; true when it moved Match forward.</summary>
    public bool MaybeUpdate(ulong index)
    {
        var updated = false;
        if (Match < index)
        {
            Match = index;
            updated = true;
            Paused = false;
        }
        Next = Math.Max(Next, index + 1);
        return updated;
    }

    /// <summary>
    /// Handles a rejection of the append whose previous index was <paramref name="rejected"/>, moving
    /// Next back to at most <paramref name="matchHint"/> + 1. False when the rejection is stale.
    /// </summary>
    public bool MaybeDecreaseTo(ulong rejected, ulong matchHint)
    {
        if (State == ProgressState.Replicate)
        {
            // A rejection at or below Match is from an old, reordered message.
            if (rejected <= Match)
            {
                return false;
            }
            Next = Match + 1;
            return true;
        }
        // In probe only the latest probe's rejection counts.
        if (Next - 1 != rejected)
        {
            return false;
        }
        Next = Math.Max(Math.Min(rejected, matchHint + 1), Match + 1);
        Paused = false;
        return true;
    }

    /// <summary>Accounts for an append of <paramref name="entries"/> entries starting at Next.</summary>
    public void OnEntriesSent(int entries, long bytes)
    {
        switch (State)
        {
            case ProgressState.Replicate:
                if (entries > 0)
                {
                    Next += (ulong)entries;
                    Inflights.Add(Next - 1, bytes);
                }
                Paused = Inflights.Full;
                break;
            case ProgressState.Probe:
                Paused = true;
                break;
            default:
                throw new InvalidOperationException($"sending entries to a follower in state {State}");
        }
    }

    public bool IsPaused => State switch
    {
        ProgressState.Probe => Paused,
        ProgressState.Replicate => Paused,
        _ => true,
    };

    public override string ToString()
    {
        var text = $"{State} match={Match} next={Next}";
        if (IsLearner)
        {
            text += " learner";
        }
        if (IsPaused && State != ProgressState.Snapshot)
        {
            text += " paused";
        }
        if (PendingSnapshot > 0)
        {
            text += $" pendingSnap={PendingSnapshot}";
        }
        if (!RecentActive)
        {
            text += " inactive";
        }
        if (Inflights.Count > 0)
        {
            text += $" inflight={Inflights.Count}";
            if (Inflights.Full)
            {
                text += "[full]";
            }
        }
        return text;
    }
}
