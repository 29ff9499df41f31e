namespace Vectron.Raft.Hosting;

/// <summary>How fresh a read must be.</summary>
public enum ReadConsistency : byte
{
    /// <summary>Linearizable: ReadIndex through the leader, then served once this replica applied that far.</summary>
    Linearizable = 0,
    /// <summary>This replica's state as it is: may miss recent writes.</summary>
    Stale = 1,
}
