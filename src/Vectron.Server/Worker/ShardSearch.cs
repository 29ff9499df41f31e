using Vectron.Server.Model;

namespace Vectron.Server.Worker;

/// <summary>One nearest-neighbour query against a shard (the gateway asks each shard for offset + limit and merges).</summary>
public sealed record ShardSearch
{
    /// <summary>The query vector (the collection's dimension; normalised here for Cosine).</summary>
    public required float[] Vector { get; init; }

    /// <summary>How many points to return at most (≥ 1).</summary>
    public int Limit { get; init; } = 10;

    /// <summary>Only points the filter admits; <see langword="null"/> admits all.</summary>
    public Filter? Filter { get; init; }

    /// <summary>Qdrant's <c>hnsw_ef</c>; <see langword="null"/> uses the shard's default.</summary>
    public int? Ef { get; init; }

    /// <summary>Qdrant's <c>exact</c>: scan every admitted point instead of traversing the graph.</summary>
    public bool Exact { get; init; }

    /// <summary>Qdrant's <c>quantization.ignore</c>: traverse on float32 even when int8 codes exist.</summary>
    public bool IgnoreQuantization { get; init; }

    /// <summary>Qdrant's <c>quantization.rescore</c>. Results are always rescored on float32 here; accepted for compatibility.</summary>
    public bool Rescore { get; init; } = true;

    /// <summary>Qdrant's <c>quantization.oversampling</c> (≥ 1); <see langword="null"/> uses the index's default.</summary>
    public float? Oversampling { get; init; }

    /// <summary>Only scores at least this good (≥ for Cosine and Dot, ≤ for Euclid).</summary>
    public float? ScoreThreshold { get; init; }

    /// <summary>Which payload to return with each point.</summary>
    public PayloadSelector WithPayload { get; init; } = PayloadSelector.None;

    /// <summary>Whether to return each point's vector.</summary>
    public bool WithVector { get; init; }
}
