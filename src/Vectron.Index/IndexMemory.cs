namespace Vectron.Index;

/// <summary>Bytes used by the parts of an index, counted for the nodes in use (allocation slack excluded).</summary>
/// <param name="Nodes">Graph nodes, tombstones included.</param>
/// <param name="VectorBytes">float32 originals.</param>
/// <param name="CodeBytes">int8 codes and their per-node corrections (0 without quantization).</param>
/// <param name="GraphBytes">Links of every layer, with the upper layers' per-node reference slot and array overhead.</param>
/// <param name="MetadataBytes">Keys, levels and states.</param>
public readonly record struct IndexMemory(int Nodes, long VectorBytes, long CodeBytes, long GraphBytes, long MetadataBytes)
{
    /// <summary>Bytes per node of what traversal needs in the float32 mode: vectors, graph and metadata.</summary>
    public double Float32BytesPerVector => Nodes == 0 ? 0 : (VectorBytes + GraphBytes + MetadataBytes) / (double)Nodes;

    /// <summary>Bytes per node of what traversal needs in the int8 mode: codes, graph and metadata (originals counted apart).</summary>
    public double Int8BytesPerVector => Nodes == 0 ? 0 : (CodeBytes + GraphBytes + MetadataBytes) / (double)Nodes;
}
