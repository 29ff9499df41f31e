namespace Vectron.Raft.Core.Quorum;

/// <summary>
/// Two majority configs that must both agree (joint consensus, Raft §4.3). Outside joint consensus
/// <see cref="Outgoing"/> is empty and decides nothing.
/// </summary>
internal sealed class JointConfig
{
    public JointConfig(MajorityConfig incoming, MajorityConfig outgoing)
    {
        Incoming = incoming;
        Outgoing = outgoing;
    }

    public MajorityConfig Incoming { get; }

    public MajorityConfig Outgoing { get; }

    public bool IsJoint => Outgoing.Count > 0;

    public bool Contains(ulong id) => Incoming.Contains(id) || Outgoing.Contains(id);

    /// <summary>Every voter of either half, sorted, without duplicates.</summary>
    public SortedSet<ulong> AllIds()
    {
        var all = new SortedSet<ulong>(Incoming.Ids);
        all.UnionWith(Outgoing.Ids);
        return all;
    }

    public bool IsSingleton => Outgoing.Count == 0 && Incoming.Count == 1;

    /// <summary>The index both halves committed. With no voters at all this is <see cref="ulong.MaxValue"/>; callers guard it.</summary>
    public ulong CommittedIndex(Func<ulong, ulong> acknowledged) =>
        Math.Min(Incoming.CommittedIndex(acknowledged), Outgoing.CommittedIndex(acknowledged));

    public VoteResult Vote(IReadOnlyDictionary<ulong, bool> votes)
    {
        var first = Incoming.Vote(votes);
        var second = Outgoing.Vote(votes);
        if (first == second)
        {
            return first;
        }
        if (first == VoteResult.Lost || second == VoteResult.Lost)
        {
            return VoteResult.Lost;
        }
        return VoteResult.Pending;
    }

    public override string ToString() => IsJoint ? $"{Incoming}&&{Outgoing}" : Incoming.ToString();
}
