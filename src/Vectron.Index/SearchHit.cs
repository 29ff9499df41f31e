namespace Vectron.Index;

/// <summary>One result of a search: a point's key and its distance to the query (see <see cref="DistanceMetric"/>).</summary>
/// <param name="Key">The key the point was stored under.</param>
/// <param name="Distance">Distance to the query; smaller is nearer.</param>
public readonly record struct SearchHit(ulong Key, float Distance);
