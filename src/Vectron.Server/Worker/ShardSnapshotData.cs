using Vectron.Server.Model;

namespace Vectron.Server.Worker;

/// <summary>A shard's state as a snapshot holds it (see docs/formats/shard.md), between the bytes and the live structures.</summary>
internal sealed class ShardSnapshotData
{
    /// <summary>The shard's options when the snapshot was taken (index parameters from OPTS; the rest the restoring shard's own).</summary>
    public ShardOptions? Options { get; init; }

    public required ulong AppliedIndex { get; init; }

    public required int SlotCount { get; init; }

    /// <summary>Free slots, bottom of the stack first.</summary>
    public required int[] FreeSlots { get; init; }

    public required List<SnapshotPoint> Points { get; init; }

    public required List<(string Field, PayloadSchemaType Schema)> PayloadIndexes { get; init; }

    /// <summary>The HNSW index file (<c>HnswIndex.Save</c>).</summary>
    public required ReadOnlyMemory<byte> Graph { get; init; }
}

/// <summary>One point of a snapshot: slot, point, and whether the graph holds its current vector.</summary>
internal readonly record struct SnapshotPoint(int Slot, StoredPoint Point, bool Indexed);
