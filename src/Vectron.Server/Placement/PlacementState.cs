using System.Collections.Immutable;

namespace Vectron.Server.Placement;

/// <summary>
/// The placement driver's whole state, immutable: every applied change publishes a new one, so
/// readers (the gateway, the node's reconciler) use a consistent view without locks.
/// </summary>
/// <param name="Epoch">Increases with every applied change.</param>
/// <param name="NextGroupId">The next shard group id to hand out; ids are never reused.</param>
/// <param name="Collections">Collections by name.</param>
/// <param name="Aliases">Alias → collection name.</param>
/// <param name="RetiredGroups">Groups of deleted collections, whose data a node may remove.</param>
public sealed record PlacementState(ulong Epoch, ulong NextGroupId, ImmutableSortedDictionary<string, CollectionRecord> Collections,
    ImmutableSortedDictionary<string, string> Aliases, ImmutableSortedSet<ulong> RetiredGroups)
{
    /// <summary>The placement driver's own Raft group id.</summary>
    public const ulong PlacementGroupId = 1;

    /// <summary>The first shard group id handed out (ids below are reserved for system groups).</summary>
    public const ulong FirstShardGroupId = 16;

    /// <summary>The state of a new cluster.</summary>
    public static PlacementState Empty { get; } = new(0, FirstShardGroupId,
        ImmutableSortedDictionary.Create<string, CollectionRecord>(StringComparer.Ordinal),
        ImmutableSortedDictionary.Create<string, string>(StringComparer.Ordinal), []);

    /// <summary>
    /// The prefix of hidden collections: a snapshot recovery builds the new collection under such a
    /// name and swaps it in when complete. ':' is forbidden in collection names, so no user-made
    /// name has it; hidden collections are not resolved, listed or aliased, and a node deletes any
    /// it finds at start (left by a recovery that a crash interrupted).
    /// </summary>
    public const string HiddenPrefix = ":recovering:";

    /// <summary>Whether <paramref name="name"/> is a hidden collection's name (<see cref="HiddenPrefix"/>).</summary>
    public static bool IsHidden(string name) => name is not null && name.StartsWith(HiddenPrefix, StringComparison.Ordinal);

    /// <summary>The collection a name refers to: the collection itself, or the one an alias points at (never a hidden one).</summary>
    public CollectionRecord? Resolve(string nameOrAlias)
    {
        if (IsHidden(nameOrAlias))
        {
            return null;
        }
        if (Collections.TryGetValue(nameOrAlias, out var collection))
        {
            return collection;
        }
        return Aliases.TryGetValue(nameOrAlias, out var target) ? Collections.GetValueOrDefault(target) : null;
    }
}
