using System.Text.Json;
using Vectron.Server.Model;

namespace Vectron.Server.Worker;

/// <summary>
/// One stored point in its slot. Mutable only under the shard's write lock; a vector array is never
/// changed after it is stored (an upsert stores a new array), so the indexer may read it without the lock.
/// Once the graph holds the point's current vector the shard drops its own copy (<see cref="Vector"/>
/// becomes null) and reads the graph's: each vector is held once.
/// </summary>
internal sealed class StoredPoint(PointId id)
{
    public PointId Id { get; } = id;

    /// <summary>The vector as stored (unit length for Cosine) while the point is not indexed; null once the graph holds it.</summary>
    public float[]? Vector { get; set; }

    /// <summary>The payload: an object (possibly empty), independent of any document.</summary>
    public required JsonElement Payload { get; set; }

    /// <summary>Raft index of the command that last changed the point.</summary>
    public ulong Version { get; set; }

    /// <summary>Shard-local counter value given to the current vector.</summary>
    public long VectorVersion { get; set; }

    /// <summary>The <see cref="VectorVersion"/> the graph holds for this slot; equal means "indexed".</summary>
    public long IndexedVersion { get; set; }

    public bool IsIndexed => IndexedVersion == VectorVersion;
}
