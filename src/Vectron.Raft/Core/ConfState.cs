namespace Vectron.Raft.Core;

/// <summary>
/// A membership configuration: voters, learners, and while in joint consensus the outgoing voters
/// and the learners that join once the joint state is left.
/// </summary>
public sealed record ConfState
{
    /// <summary>The empty configuration.</summary>
    public static ConfState Empty { get; } = new();

    /// <summary>Voters of the incoming (or only) configuration.</summary>
    public IReadOnlyList<ulong> Voters { get; init; } = [];

    /// <summary>Learners: receive the log, never vote or count towards a quorum.</summary>
    public IReadOnlyList<ulong> Learners { get; init; } = [];

    /// <summary>Voters of the outgoing configuration; non-empty exactly while in joint consensus.</summary>
    public IReadOnlyList<ulong> VotersOutgoing { get; init; } = [];

    /// <summary>Outgoing voters that become learners when the joint configuration is left.</summary>
    public IReadOnlyList<ulong> LearnersNext { get; init; } = [];

    /// <summary>Whether the leader leaves the joint configuration by itself once it is committed.</summary>
    public bool AutoLeave { get; init; }

    /// <summary>True while in joint consensus.</summary>
    public bool IsJoint => VotersOutgoing.Count > 0;

    /// <summary>Set equality (order does not matter).</summary>
    public bool SameAs(ConfState other) =>
        SameSet(Voters, other.Voters) && SameSet(Learners, other.Learners)
        && SameSet(VotersOutgoing, other.VotersOutgoing) && SameSet(LearnersNext, other.LearnersNext)
        && AutoLeave == other.AutoLeave;

    private static bool SameSet(IReadOnlyList<ulong> a, IReadOnlyList<ulong> b)
    {
        if (a.Count != b.Count)
        {
            return false;
        }
        var set = new HashSet<ulong>(a);
        foreach (var id in b)
        {
            if (!set.Contains(id))
            {
                return false;
            }
        }
        return true;
    }

    /// <inheritdoc />
    public override string ToString()
    {
        var text = $"voters=({string.Join(' ', Voters.Order())})";
        if (VotersOutgoing.Count > 0)
        {
            text += $"&&({string.Join(' ', VotersOutgoing.Order())})";
        }
        if (Learners.Count > 0)
        {
            text += $" learners=({string.Join(' ', Learners.Order())})";
        }
        if (LearnersNext.Count > 0)
        {
            text += $" learners_next=({string.Join(' ', LearnersNext.Order())})";
        }
        if (AutoLeave)
        {
            text += " autoleave";
        }
        return text;
    }
}
