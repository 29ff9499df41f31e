namespace Vectron.Server.Placement;

/// <summary>Scalar int8 quantization (Qdrant's <c>quantization_config.scalar</c> with type int8).</summary>
/// <param name="AlwaysRam">Keep the codes in memory (always true in Vectron's in-memory index; kept and reported).</param>
/// <param name="Quantile">The quantile of values the int8 range covers (null: all).</param>
public sealed record QuantizationSettings(bool AlwaysRam, float? Quantile);
