namespace Vectron.Simulation;

/// <summary>The faults a simulation injects, counted per run.</summary>
internal enum FaultKind
{
    /// <summary>A message lost in flight.</summary>
    MessageDropped,

    /// <summary>A message delivered twice.</summary>
    MessageDuplicated,

    /// <summary>A message held back far longer than usual (it overtakes and is overtaken: reordering).</summary>
    MessageDelayed,

    /// <summary>The hosts split into two sides that cannot talk either way.</summary>
    SymmetricPartition,

    /// <summary>Links cut in one direction only: a host hears some peers but they do not hear it, or the reverse.</summary>
    AsymmetricPartition,

    /// <summary>Some links cut both ways while others stay up, so reachability is not transitive.</summary>
    PartialPartition,

    /// <summary>Every link restored.</summary>
    Heal,

    /// <summary>A host lost power between writes: its disk keeps only what was synced.</summary>
    Crash,

    /// <summary>A host lost power in the middle of a log write: the write is torn at a random file-system operation.</summary>
    TornWriteCrash,

    /// <summary>A host's disk reported an I/O error on a sync, so its log stopped and the host went down.</summary>
    DiskError,

    /// <summary>A host came back up, recovering its log from the simulated disk.</summary>
    Restart,

    /// <summary>A host's process froze for a while (a long GC pause, a stopped VM): it runs nothing, then catches up.</summary>
    Pause,

    /// <summary>A host's fsyncs became slow for a while (its loop stalls on each log write).</summary>
    SlowDisk,

    /// <summary>A new member joined a group as a learner.</summary>
    AddLearner,

    /// <summary>A learner became a voter.</summary>
    PromoteLearner,

    /// <summary>A member (voter or learner) was removed from a group.</summary>
    RemoveMember,

    /// <summary>A voter was replaced by a new one through joint consensus.</summary>
    ReplaceVoter,

    /// <summary>Leadership was handed to another voter.</summary>
    LeaderTransfer,
}
