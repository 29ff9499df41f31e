namespace Vectron.Raft.Core;

/// <summary>One membership operation.</summary>
public enum ConfChangeType : byte
{
    /// <summary>Add a voter (or promote a learner).</summary>
    AddNode = 0,
    /// <summary>Remove a voter or learner.</summary>
    RemoveNode = 1,
    /// <summary>Add a learner (or demote a voter, which in a joint change stays a voter until the joint state is left).</summary>
    AddLearner = 2,
}

/// <summary>How a change moves between configurations.</summary>
public enum ConfChangeTransition : byte
{
    /// <summary>One step when possible (a single voter change), else joint consensus left automatically.</summary>
    Auto = 0,
    /// <summary>Joint consensus, left automatically by the leader once committed.</summary>
    JointImplicit = 1,
    /// <summary>Joint consensus, left only when the application proposes an empty change.</summary>
    JointExplicit = 2,
}

/// <summary>One node's part in a change.</summary>
public readonly record struct ConfChangeSingle(ConfChangeType Type, ulong NodeId)
{
    /// <inheritdoc />
    public override string ToString() => Type switch
    {
        ConfChangeType.AddNode => $"v{NodeId}",
        ConfChangeType.RemoveNode => $"r{NodeId}",
        _ => $"l{NodeId}",
    };
}

/// <summary>
/// A membership change proposed through the log. No changes means "leave the joint configuration".
/// Node ids must never be reused after removal.
/// </summary>
public sealed record ConfChange
{
    /// <summary>A change with the given operations.</summary>
    public ConfChange(IReadOnlyList<ConfChangeSingle> changes, ConfChangeTransition transition = ConfChangeTransition.Auto)
    {
        ArgumentNullException.ThrowIfNull(changes);
        Changes = changes;
        Transition = transition;
    }

    /// <summary>The change that leaves a joint configuration.</summary>
    public static ConfChange LeaveJoint { get; } = new([]);

    /// <summary>The operations, applied in order.</summary>
    public IReadOnlyList<ConfChangeSingle> Changes { get; }

    /// <summary>How the configurations are crossed.</summary>
    public ConfChangeTransition Transition { get; }

    /// <summary>Opaque bytes the application carries along (for example who asked).</summary>
    public ReadOnlyMemory<byte> Context { get; init; }

    /// <summary>True when this is the empty change that leaves joint consensus.</summary>
    public bool IsLeaveJoint => Changes.Count == 0 && Transition == ConfChangeTransition.Auto;

    /// <summary>Whether this change enters joint consensus, and if so whether it leaves it automatically.</summary>
    public bool EntersJoint(out bool autoLeave)
    {
        if (Transition != ConfChangeTransition.Auto || Changes.Count > 1)
        {
            autoLeave = Transition != ConfChangeTransition.JointExplicit;
            return true;
        }
        autoLeave = false;
        return false;
    }

    /// <inheritdoc />
    public override string ToString()
    {
        if (IsLeaveJoint)
        {
            return "leave-joint";
        }
        var text = string.Join(' ', Changes);
        return Transition == ConfChangeTransition.Auto ? text : $"{text} ({Transition})";
    }
}
