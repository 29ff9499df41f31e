namespace Vectron.Raft.Core;

/// <summary>The state a node must persist before it acts on it: current term, vote in that term, commit index.</summary>
public readonly record struct HardState(ulong Term, ulong Vote, ulong Commit)
{
    /// <summary>True when nothing has ever been persisted.</summary>
    public bool IsEmpty => Term == 0 && Vote == 0 && Commit == 0;
}
