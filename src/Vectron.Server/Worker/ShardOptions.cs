using Vectron.Index;

namespace Vectron.Server.Worker;

/// <summary>Configuration of one shard: the collection's vector parameters plus engine knobs. Immutable.</summary>
public sealed record ShardOptions
{
    /// <summary>Number of components of every vector (1 to 65,536).</summary>
    public required int Dimension { get; init; }

    /// <summary>Distance and score convention.</summary>
    public ShardDistance Metric { get; init; } = ShardDistance.Cosine;

    /// <summary>HNSW links per node (Qdrant's <c>m</c>).</summary>
    public int M { get; init; } = 16;

    /// <summary>HNSW candidate list size while inserting (Qdrant's <c>ef_construct</c>).</summary>
    public int EfConstruct { get; init; } = 100;

    /// <summary>Search candidate list size when a request sets no <c>hnsw_ef</c>.</summary>
    public int DefaultEf { get; init; } = 64;

    /// <summary>Quantization of the HNSW traversal.</summary>
    public ShardQuantization Quantization { get; init; } = ShardQuantization.None;

    /// <summary>Qdrant's <c>always_ram</c>; accepted and reported, codes are always in memory here.</summary>
    public bool QuantizationAlwaysRam { get; init; } = true;

    /// <summary>Points the background indexer inserts into HNSW per batch.</summary>
    public int IndexerBatchSize { get; init; } = 256;

    /// <summary>
    /// Threads one indexer batch inserts with (the graph takes concurrent inserts). 1 by default: a
    /// node runs one shard per core, so shards already index side by side.
    /// </summary>
    public int IndexerThreads { get; init; } = 1;

    /// <summary>
    /// Whether the shard starts its own indexer task. When false the owner calls
    /// <see cref="ShardStateMachine.IndexPending"/> (tests do, to control exactly what is indexed).
    /// </summary>
    public bool BackgroundIndexing { get; init; } = true;

    /// <summary>
    /// A filtered search whose filter the payload indexes bound to at most this many points scans
    /// them exactly instead of traversing the graph; so does any search of a shard this small.
    /// </summary>
    public int ExactSearchThreshold { get; init; } = 2_000;

    /// <summary>Seed of the HNSW level generator.</summary>
    public ulong Seed { get; init; } = 0x5EED_5A4D_0000_0001;

    /// <summary>
    /// The <see cref="Vectron.Index.DistanceMetric"/> the HNSW index uses for <see cref="Metric"/>.
    /// A Cosine shard stores unit vectors (normalised on upsert) and normalises queries, so the graph
    /// ranks by dot product, which orders unit vectors exactly as cosine does, and keeps the stored
    /// vectors bit for bit (a snapshot then needs them only once: see docs/formats/shard.md).
    /// </summary>
    public DistanceMetric IndexMetric => Metric switch
    {
        ShardDistance.Euclid => DistanceMetric.L2,
        _ => DistanceMetric.Dot,
    };

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(Metric))
        {
            throw new ArgumentException($"Metric {(int)Metric} is not a known distance.", nameof(Metric));
        }

        if (!Enum.IsDefined(Quantization))
        {
            throw new ArgumentException($"Quantization {(int)Quantization} is not a known kind.", nameof(Quantization));
        }

        if (IndexerBatchSize < 1)
        {
            throw new ArgumentException($"IndexerBatchSize must be at least 1, got {IndexerBatchSize}.", nameof(IndexerBatchSize));
        }

        if (IndexerThreads < 1)
        {
            throw new ArgumentException($"IndexerThreads must be at least 1, got {IndexerThreads}.", nameof(IndexerThreads));
        }

        if (ExactSearchThreshold < 0)
        {
            throw new ArgumentException($"ExactSearchThreshold must not be negative, got {ExactSearchThreshold}.", nameof(ExactSearchThreshold));
        }

        ToHnswOptions().Validate();
    }

    /// <summary>The options of the shard's HNSW index.</summary>
    public HnswOptions ToHnswOptions() => new()
    {
        Dimension = Dimension,
        Metric = IndexMetric,
        M = M,
        // The graph needs ef_construction ≥ m; Qdrant accepts any ef_construct ≥ 4, so a smaller one is raised to m.
        EfConstruction = Math.Max(EfConstruct, M),
        DefaultEf = DefaultEf,
        Quantization = Quantization == ShardQuantization.Int8 ? QuantizationKind.Int8 : QuantizationKind.None,
        Seed = Seed,
        // The shard plans exact scans itself (it knows the admitted set); the index's own flat
        // fallback still covers filters it samples as very selective.
        FlatSearchThreshold = 4_000,
    };
}
