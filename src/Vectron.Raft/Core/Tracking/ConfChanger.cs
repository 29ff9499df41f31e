namespace Vectron.Raft.Core.Tracking;

/// <summary>
/// Computes the configuration (and progress map) that results from a membership change, on copies,
/// so a refused change leaves the tracker untouched. Rules follow joint consensus (Raft §4.3) as
/// etcd's confchange package states them: one voter may change in one step; more need a joint
/// config entered and later left; a voter demoted during a joint change becomes a learner only when
/// the joint config is left.
/// </summary>
internal sealed class ConfChanger
{
    private readonly ProgressTracker _tracker;
    private readonly ulong _lastIndex;

    public ConfChanger(ProgressTracker tracker, ulong lastIndex)
    {
        _tracker = tracker;
        _lastIndex = lastIndex;
    }

    /// <summary>Applies a change of any kind; throws <see cref="InvalidOperationException"/> saying why it is refused.</summary>
    public (TrackerConfig Config, SortedDictionary<ulong, Progress> Progress) Apply(ConfChange change)
    {
        if (change.IsLeaveJoint)
        {
            return LeaveJoint();
        }
        return change.EntersJoint(out var autoLeave) ? EnterJoint(autoLeave, change.Changes) : Simple(change.Changes);
    }

    public (TrackerConfig Config, SortedDictionary<ulong, Progress> Progress) EnterJoint(bool autoLeave, IReadOnlyList<ConfChangeSingle> changes)
    {
        var (config, progress) = Copy();
        if (config.Voters.IsJoint)
        {
            throw new InvalidOperationException("the configuration is already joint");
        }
        if (config.Voters.Incoming.Count == 0)
        {
            throw new InvalidOperationException("a configuration without voters cannot become joint");
        }
        foreach (var id in config.Voters.Incoming.Ids)
        {
            config.Voters.Outgoing.Add(id);
        }
        ApplyAll(config, progress, changes);
        config.AutoLeave = autoLeave;
        return CheckAndReturn(config, progress);
    }

    public (TrackerConfig Config, SortedDictionary<ulong, Progress> Progress) LeaveJoint()
    {
        var (config, progress) = Copy();
        if (!config.Voters.IsJoint)
        {
            throw new InvalidOperationException("the configuration is not joint");
        }
        foreach (var id in config.LearnersNext)
        {
            config.Learners.Add(id);
            progress[id].IsLearner = true;
        }
        config.LearnersNext.Clear();
        foreach (var id in config.Voters.Outgoing.Ids.ToArray())
        {
            if (!config.Voters.Incoming.Contains(id) && !config.Learners.Contains(id))
            {
                progress.Remove(id);
            }
            config.Voters.Outgoing.Remove(id);
        }
        config.AutoLeave = false;
        return CheckAndReturn(config, progress);
    }

    public (TrackerConfig Config, SortedDictionary<ulong, Progress> Progress) Simple(IReadOnlyList<ConfChangeSingle> changes)
    {
        var (config, progress) = Copy();
        if (config.Voters.IsJoint)
        {
            throw new InvalidOperationException("a one-step change cannot be applied to a joint configuration");
        }
        ApplyAll(config, progress, changes);
        var before = _tracker.Config.Voters.Incoming;
        var changed = 0;
        foreach (var id in before.Ids)
        {
            changed += config.Voters.Incoming.Contains(id) ? 0 : 1;
        }
        foreach (var id in config.Voters.Incoming.Ids)
        {
            changed += before.Contains(id) ? 0 : 1;
        }
        if (changed > 1)
        {
            throw new InvalidOperationException("more than one voter changed without entering a joint configuration");
        }
        return CheckAndReturn(config, progress);
    }

    /// <summary>Rebuilds the tracker's configuration from a persisted <see cref="Core.ConfState"/>.</summary>
    public static void Restore(ProgressTracker tracker, ConfState state, ulong lastIndex)
    {
        // Outgoing voters first, one at a time, as a simple config; then enter joint with the
        // incoming one (removing every outgoing voter first so the incoming set is exact).
        var changer = new ConfChanger(tracker, lastIndex);
        if (state.VotersOutgoing.Count == 0)
        {
            foreach (var id in state.Voters)
            {
                Switch(tracker, changer.Simple([new ConfChangeSingle(ConfChangeType.AddNode, id)]));
            }
            foreach (var id in state.Learners)
            {
                Switch(tracker, changer.Simple([new ConfChangeSingle(ConfChangeType.AddLearner, id)]));
            }
            return;
        }
        foreach (var id in state.VotersOutgoing)
        {
            Switch(tracker, changer.Simple([new ConfChangeSingle(ConfChangeType.AddNode, id)]));
        }
        var incoming = new List<ConfChangeSingle>();
        foreach (var id in state.VotersOutgoing)
        {
            incoming.Add(new ConfChangeSingle(ConfChangeType.RemoveNode, id));
        }
        foreach (var id in state.Voters)
        {
            incoming.Add(new ConfChangeSingle(ConfChangeType.AddNode, id));
        }
        foreach (var id in state.Learners)
        {
            incoming.Add(new ConfChangeSingle(ConfChangeType.AddLearner, id));
        }
        foreach (var id in state.LearnersNext)
        {
            incoming.Add(new ConfChangeSingle(ConfChangeType.AddLearner, id));
        }
        Switch(tracker, changer.EnterJoint(state.AutoLeave, incoming));
    }

    private static void Switch(ProgressTracker tracker, (TrackerConfig Config, SortedDictionary<ulong, Progress> Progress) result)
    {
        tracker.Config = result.Config;
        tracker.Progress = result.Progress;
    }

    private void ApplyAll(TrackerConfig config, SortedDictionary<ulong, Progress> progress, IReadOnlyList<ConfChangeSingle> changes)
    {
        foreach (var change in changes)
        {
            if (change.NodeId == 0)
            {
                continue;
            }
            switch (change.Type)
            {
                case ConfChangeType.AddNode:
                    MakeVoter(config, progress, change.NodeId);
                    break;
                case ConfChangeType.AddLearner:
                    MakeLearner(config, progress, change.NodeId);
                    break;
                case ConfChangeType.RemoveNode:
                    Remove(config, progress, change.NodeId);
                    break;
                default:
                    throw new InvalidOperationException($"unknown change type {change.Type}");
            }
        }
        if (config.Voters.Incoming.Count == 0)
        {
            throw new InvalidOperationException("the change removes every voter");
        }
    }

    private void MakeVoter(TrackerConfig config, SortedDictionary<ulong, Progress> progress, ulong id)
    {
        if (!progress.TryGetValue(id, out var pr))
        {
            InitProgress(config, progress, id, isLearner: false);
            return;
        }
        pr.IsLearner = false;
        config.Learners.Remove(id);
        config.LearnersNext.Remove(id);
        config.Voters.Incoming.Add(id);
    }

    private void MakeLearner(TrackerConfig config, SortedDictionary<ulong, Progress> progress, ulong id)
    {
        if (!progress.TryGetValue(id, out var pr))
        {
            InitProgress(config, progress, id, isLearner: true);
            return;
        }
        if (pr.IsLearner)
        {
            return;
        }
        // Drop it from every set, keep its progress, then add it back as a learner: at once when it
        // is not an outgoing voter, else only once the joint config is left (it still votes there).
        Remove(config, progress, id);
        progress[id] = pr;
        if (config.Voters.Outgoing.Contains(id))
        {
            config.LearnersNext.Add(id);
        }
        else
        {
            pr.IsLearner = true;
            config.Learners.Add(id);
        }
    }

    private static void Remove(TrackerConfig config, SortedDictionary<ulong, Progress> progress, ulong id)
    {
        if (!progress.ContainsKey(id))
        {
            return;
        }
        config.Voters.Incoming.Remove(id);
        config.Learners.Remove(id);
        config.LearnersNext.Remove(id);
        // An outgoing voter keeps its progress until the joint config is left.
        if (!config.Voters.Outgoing.Contains(id))
        {
            progress.Remove(id);
        }
    }

    private void InitProgress(TrackerConfig config, SortedDictionary<ulong, Progress> progress, ulong id, bool isLearner)
    {
        if (isLearner)
        {
            config.Learners.Add(id);
        }
        else
        {
            config.Voters.Incoming.Add(id);
        }
        // A new member counts as recently active so that check-quorum does not depose the leader
        // before the member had a chance to answer.
        progress[id] = new Progress(0, Math.Max(_lastIndex, 1), _tracker.NewInflights(), isLearner) { RecentActive = true };
    }

    private (TrackerConfig Config, SortedDictionary<ulong, Progress> Progress) Copy()
    {
        var progress = new SortedDictionary<ulong, Progress>();
        foreach (var (id, pr) in _tracker.Progress)
        {
            // A shallow copy (the in-flight window is shared): only IsLearner is changed on copies,
            // so a refused change leaves the originals untouched.
            progress[id] = pr.ShallowCopy();
        }
        return (_tracker.Config.Clone(), progress);
    }

    private static (TrackerConfig Config, SortedDictionary<ulong, Progress> Progress) CheckAndReturn(TrackerConfig config, SortedDictionary<ulong, Progress> progress)
    {
        foreach (var id in config.Voters.Incoming.Ids)
        {
            Require(progress.ContainsKey(id), $"voter {id} has no progress");
        }
        foreach (var id in config.Voters.Outgoing.Ids)
        {
            Require(progress.ContainsKey(id), $"outgoing voter {id} has no progress");
        }
        foreach (var id in config.Learners)
        {
            Require(progress.TryGetValue(id, out var pr) && pr.IsLearner, $"learner {id} is not marked as a learner");
            Require(!config.Voters.Contains(id), $"{id} is both a learner and a voter");
        }
        foreach (var id in config.LearnersNext)
        {
            Require(config.Voters.Outgoing.Contains(id), $"next learner {id} is not an outgoing voter");
            Require(progress.TryGetValue(id, out var pr) && !pr.IsLearner, $"next learner {id} is already marked as a learner");
        }
        if (!config.Voters.IsJoint)
        {
            Require(config.LearnersNext.Count == 0, "next learners outside a joint configuration");
            Require(!config.AutoLeave, "auto-leave outside a joint configuration");
        }
        return (config, progress);
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new InvalidOperationException(message);
        }
    }
}
