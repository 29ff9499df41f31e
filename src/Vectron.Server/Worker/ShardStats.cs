namespace Vectron.Server.Worker;

/// <summary>A shard's counters at one moment.</summary>
/// <param name="Points">Stored points.</param>
/// <param name="IndexedPoints">Points whose current vector is in the HNSW graph searches use.</param>
/// <param name="TailLength">Points waiting for the indexer (searched by exact scan meanwhile).</param>
/// <param name="AppliedIndex">Raft log index of the last applied command.</param>
/// <param name="PayloadIndexes">The payload indexes, by field.</param>
/// <param name="Rebuilding">Whether a graph with new index settings is being built (searches use the previous graph meanwhile).</param>
public sealed record ShardStats(long Points, long IndexedPoints, long TailLength, ulong AppliedIndex, IReadOnlyList<PayloadIndexInfo> PayloadIndexes, bool Rebuilding = false);
