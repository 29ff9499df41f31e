namespace Vectron.Raft.Hosting;

/// <summary>How to start one group on a host.</summary>
/// <param name="GroupId">The group's id (below 2^63: the log store may reserve the top bit).</param>
/// <param name="StateMachine">The group's state machine on this host; rebuilt from the newest snapshot and the log on start.</param>
public sealed record RaftGroupConfig(ulong GroupId, IStateMachine StateMachine)
{
    /// <summary>
    /// The founding voters, the same list on every founding member; used only when the log store
    /// holds nothing for the group. Empty: join an existing group (the leader adds this node with a
    /// membership change and sends it the log or a snapshot).
    /// </summary>
    public IReadOnlyList<ulong> InitialMembers { get; init; } = [];
}
