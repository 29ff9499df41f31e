namespace Vectron.Index;

/// <summary>How vectors are compressed for graph traversal.</summary>
public enum QuantizationKind : byte
{
    /// <summary>Traverse and rank on the float32 vectors.</summary>
    None = 0,

    /// <summary>
    /// Traverse on calibrated int8 codes and rescore the best candidates on the float32 originals,
    /// which are kept (see <c>docs/quantization.md</c>).
    /// </summary>
    Int8 = 1,
}
