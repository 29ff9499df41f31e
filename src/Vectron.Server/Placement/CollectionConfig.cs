namespace Vectron.Server.Placement;

/// <summary>What a collection was created with (and later updated to).</summary>
/// <param name="VectorSize">The vector dimension.</param>
/// <param name="Distance">The distance function.</param>
/// <param name="ShardNumber">How many shards (one Raft group each).</param>
/// <param name="Hnsw">HNSW parameters.</param>
/// <param name="Quantization">Int8 quantization, or null for none.</param>
public sealed record CollectionConfig(int VectorSize, VectorDistance Distance, int ShardNumber, HnswSettings Hnsw, QuantizationSettings? Quantization);
