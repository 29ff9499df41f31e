using Vectron.Index;

namespace Vectron.Server.Worker;

/// <summary>
/// A graph being built with new index settings while the shard keeps searching its current one
/// (<see cref="ShardStateMachine"/>'s reconfigure). Holds the new graph, which vector version of each
/// slot it holds, the slots still to visit (a cursor over all slots plus a queue of slots changed
/// behind the cursor) — nothing a search reads.
/// </summary>
/// <remarks>
/// Not thread-safe. <see cref="Work"/>, <see cref="Cursor"/> and the versions change under the
/// shard's write lock; <see cref="Graph"/> is written only by the indexer holding the indexer gate.
/// </remarks>
internal sealed class GraphRebuild(HnswIndex graph) : IDisposable
{
    private readonly List<long> _versions = [];

    /// <summary>The graph being built; it replaces the shard's graph once it holds every live point's current vector.</summary>
    public HnswIndex Graph { get; } = graph;

    /// <summary>Slots below <see cref="Cursor"/> to look at again (changed or deleted after the cursor passed them).</summary>
    public Queue<int> Work { get; } = new();

    /// <summary>The next slot the first pass visits; slots at or above it are visited in order.</summary>
    public int Cursor { get; set; }

    /// <summary>The <see cref="StoredPoint.VectorVersion"/> <see cref="Graph"/> holds for <paramref name="slot"/>; 0 when it holds no node there.</summary>
    public long VersionAt(int slot) => slot < _versions.Count ? _versions[slot] : 0;

    public void SetVersion(int slot, long version)
    {
        while (_versions.Count <= slot)
        {
            _versions.Add(0);
        }

        _versions[slot] = version;
    }

    public void Dispose() => Graph.Dispose();
}
