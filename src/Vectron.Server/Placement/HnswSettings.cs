namespace Vectron.Server.Placement;

/// <summary>A collection's HNSW parameters (Qdrant's <c>hnsw_config</c>).</summary>
/// <param name="M">Links per node on the upper layers (twice that on layer 0).</param>
/// <param name="EfConstruct">Candidate list size while inserting; also the default search ef.</param>
/// <param name="FullScanThreshold">Qdrant's threshold (in KB of vectors) under which a filtered search scans exactly; kept and reported.</param>
public sealed record HnswSettings(int M, int EfConstruct, int FullScanThreshold)
{
    /// <summary>Qdrant's defaults: m 16, ef_construct 100, full_scan_threshold 10000.</summary>
    public static HnswSettings Default { get; } = new(16, 100, 10_000);
}
