namespace Vectron.Simulation;

/// <summary>
/// Deliberate bugs the simulation can switch on in its clients, to show the checkers catch them. Only the simulated
/// clients change; the hosts and Raft run as always.
/// </summary>
internal enum UnsafeMode
{
    /// <summary>No bug: reads are linearizable reads.</summary>
    None,

    /// <summary>
    /// Every read is served from the state of the replica it was sent to, without ReadIndex
    /// (<see cref="Raft.Hosting.ReadConsistency.Stale"/>), but reported as linearizable: a follower that has not yet
    /// heard of a commit, or a replica cut off by a partition, answers with old data.
    /// </summary>
    LocalReads,

    /// <summary>
    /// A read sent to a replica that believes it leads is served from that replica's state without ReadIndex
    /// (<see cref="Raft.Hosting.ReadConsistency.Stale"/>) but reported as linearizable: a deposed leader cut off by a
    /// partition, or a new leader that has not yet committed an entry of its term, answers with old data.
    /// </summary>
    LeaderLocalReads,
}
