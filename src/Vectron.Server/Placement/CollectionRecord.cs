using System.Collections.Immutable;

namespace Vectron.Server.Placement;

/// <summary>One collection as the placement driver holds it.</summary>
/// <param name="Name">The collection's name.</param>
/// <param name="Config">Its configuration.</param>
/// <param name="ShardGroups">The Raft group id of each shard, by shard number.</param>
/// <param name="PayloadIndexes">Declared payload indexes: field → schema name (keyword, integer, float, bool, datetime, uuid, text).</param>
/// <param name="CreatedEpoch">The metadata epoch at which it was created.</param>
/// <param name="ShardConfig">
/// The configuration the shards were created with: a shard starts from it, and its log (or newest
/// snapshot) brings its index settings to those of later updates; <paramref name="Config"/> is the
/// current configuration, as reported and as proposed to the shards (<c>ReconfigureIndex</c>).
/// </param>
public sealed record CollectionRecord(string Name, CollectionConfig Config, ImmutableArray<ulong> ShardGroups,
    ImmutableSortedDictionary<string, string> PayloadIndexes, ulong CreatedEpoch, CollectionConfig ShardConfig);
