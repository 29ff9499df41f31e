using System.Collections.Immutable;

namespace Vectron.Server.Placement;

/// <summary>A change to the placement state, proposed to the placement group (encoded by <see cref="PlacementCodec"/>).</summary>
public abstract record PlacementCommand;

/// <summary>Creates a collection; the placement driver allocates its shards' group ids.</summary>
public sealed record CreateCollectionCommand(string Name, CollectionConfig Config) : PlacementCommand;

/// <summary>Deletes a collection and the aliases that point at it.</summary>
public sealed record DeleteCollectionCommand(string Name) : PlacementCommand;

/// <summary>
/// Gives hidden collection <paramref name="Source"/> (a snapshot recovery's, see
/// <see cref="PlacementState.IsHidden"/>) the name <paramref name="Target"/> in one step, deleting the
/// collection that had that name (its groups are retired; aliases of <paramref name="Target"/> now
/// point at the new collection).
/// </summary>
public sealed record ReplaceCollectionCommand(string Source, string Target) : PlacementCommand;

/// <summary>Changes the HNSW fields <paramref name="Hnsw"/> names and replaces the quantization settings of a collection (null: keep).</summary>
public sealed record UpdateCollectionCommand(string Name, HnswPatch? Hnsw, QuantizationSettings? Quantization, bool DisableQuantization) : PlacementCommand;

/// <summary>Applies alias actions atomically: all of them or none.</summary>
public sealed record AliasActionsCommand(ImmutableArray<AliasAction> Actions) : PlacementCommand;

/// <summary>Declares a payload index (or changes its schema).</summary>
public sealed record SetPayloadIndexCommand(string Collection, string Field, string Schema) : PlacementCommand;

/// <summary>Removes a payload index declaration.</summary>
public sealed record DropPayloadIndexCommand(string Collection, string Field) : PlacementCommand;

/// <summary>One alias action of <see cref="AliasActionsCommand"/>.</summary>
/// <param name="Kind">Create, delete or rename.</param>
/// <param name="Alias">The alias (for rename: the old name).</param>
/// <param name="Target">Create: the collection; rename: the new alias name; delete: unused.</param>
public readonly record struct AliasAction(AliasActionKind Kind, string Alias, string Target);

/// <summary>The kinds of alias action.</summary>
public enum AliasActionKind : byte
{
    /// <summary>Point a new alias at a collection.</summary>
    Create = 1,
    /// <summary>Remove an alias.</summary>
    Delete = 2,
    /// <summary>Give an alias a new name.</summary>
    Rename = 3,
}
