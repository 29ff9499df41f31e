using Vectron.Server.Model;
using Vectron.Server.Placement;
using Vectron.Server.Worker;

namespace Vectron.Server.Gateway;

/// <summary>How a search's per-shard answers become one (the gateway's merge; benchmarks call it too).</summary>
public static class ShardHits
{
    /// <summary>Merges per-shard top lists: best first (largest score, or smallest for Euclid; ties by id), skips the offset, takes the limit.</summary>
    public static List<ScoredPoint> Merge(IReadOnlyList<IReadOnlyList<ScoredPoint>> perShard, VectorDistance distance, int offset, int limit, PointId? exclude)
    {
        ArgumentNullException.ThrowIfNull(perShard);
        var all = new List<ScoredPoint>();
        foreach (var hits in perShard)
        {
            foreach (var hit in hits)
            {
                if (exclude is null || hit.Id != exclude.Value)
                {
                    all.Add(hit);
                }
            }
        }
        bool ascending = distance == VectorDistance.Euclid;
        all.Sort((a, b) =>
        {
            int byScore = ascending ? a.Score.CompareTo(b.Score) : b.Score.CompareTo(a.Score);
            return byScore != 0 ? byScore : a.Id.CompareTo(b.Id);
        });
        if (offset >= all.Count)
        {
            return [];
        }
        return all.GetRange(offset, Math.Min(limit, all.Count - offset));
    }
}
