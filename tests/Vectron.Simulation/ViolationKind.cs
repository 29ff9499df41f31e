namespace Vectron.Simulation;

/// <summary>What a simulation found wrong.</summary>
internal enum ViolationKind
{
    /// <summary>Two replicas led one group in the same term (Raft §5.2, election safety).</summary>
    ElectionSafety,

    /// <summary>Two logs held entries with the same index and term but different data or predecessors (§5.3, log matching).</summary>
    LogMatching,

    /// <summary>An entry some replica had durably committed was replaced or contradicted (§5.4, leader completeness and state machine safety).</summary>
    CommittedEntryChanged,

    /// <summary>A new leader lacked a committed entry (§5.4.1, leader completeness).</summary>
    LeaderCompleteness,

    /// <summary>Two replicas applied different commands at one index, or one applied out of order (§5.4.3, state machine safety).</summary>
    StateMachineSafety,

    /// <summary>After every fault healed, a group did not commit a new write within the bound.</summary>
    Liveness,

    /// <summary>A group's client history has no linearization.</summary>
    Linearizability,

    /// <summary>A host, its log engine or an apply lane failed in a way no injected fault explains (a bug).</summary>
    HostFailure,
}
