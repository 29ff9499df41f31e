using Vectron.Raft.Core.Quorum;

namespace Vectron.Raft.Core.Tracking;

/// <summary>
/// The membership the leader tracks. Invariants (checked by <see cref="ConfChanger"/>): a learner is
/// never a voter of either half; <see cref="LearnersNext"/> holds only outgoing voters that become
/// learners when the joint config is left; <see cref="AutoLeave"/> only while joint.
/// </summary>
internal sealed class TrackerConfig
{
    public TrackerConfig()
        : this(new JointConfig(new MajorityConfig(), new MajorityConfig()), [], [], autoLeave: false)
    {
    }

    public TrackerConfig(JointConfig voters, SortedSet<ulong> learners, SortedSet<ulong> learnersNext, bool autoLeave)
    {
        Voters = voters;
        Learners = learners;
        LearnersNext = learnersNext;
        AutoLeave = autoLeave;
    }

    public JointConfig Voters { get; set; }

    public SortedSet<ulong> Learners { get; }

    public SortedSet<ulong> LearnersNext { get; }

    public bool AutoLeave { get; set; }

    public TrackerConfig Clone() => new(
        new JointConfig(Voters.Incoming.Clone(), Voters.Outgoing.Clone()),
        new SortedSet<ulong>(Learners),
        new SortedSet<ulong>(LearnersNext),
        AutoLeave);

    public ConfState ToConfState() => new()
    {
        Voters = [.. Voters.Incoming.Ids],
        VotersOutgoing = [.. Voters.Outgoing.Ids],
        Learners = [.. Learners],
        LearnersNext = [.. LearnersNext],
        AutoLeave = AutoLeave,
    };

    public override string ToString()
    {
        var text = $"voters={Voters}";
        if (Learners.Count > 0)
        {
            text += $" learners=({string.Join(' ', Learners)})";
        }
        if (LearnersNext.Count > 0)
        {
            text += $" learners_next=({string.Join(' ', LearnersNext)})";
        }
        if (AutoLeave)
        {
            text += " autoleave";
        }
        return text;
    }
}
