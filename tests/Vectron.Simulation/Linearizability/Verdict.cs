namespace Vectron.Simulation.Linearizability;

/// <summary>The outcome of checking a history, or one key of it, for linearizability.</summary>
internal enum Verdict
{
    /// <summary>A linearization exists: the history is consistent with some atomic, one-at-a-time execution.</summary>
    Ok,

    /// <summary>No linearization exists: the store violated linearizability.</summary>
    Illegal,

    /// <summary>The search ran out of steps before deciding.</summary>
    Unknown,
}
