namespace Vectron.Index;

/// <summary>Per-query search settings. The default value searches with the index's default ef.</summary>
public readonly record struct SearchParameters
{
    /// <summary>Size of the dynamic candidate list; 0 uses <see cref="HnswOptions.DefaultEf"/>. Raised to k when smaller.</summary>
    public int Ef { get; init; }

    /// <summary>Scan every point exactly instead of traversing the graph.</summary>
    public bool Exact { get; init; }

    /// <summary>Only points the filter admits are returned; <see langword="null"/> admits all.</summary>
    public IVectorFilter? Filter { get; init; }

    /// <summary>
    /// With int8 quantization the graph is traversed on codes with <c>max(ef, k × Oversampling)</c>
    /// candidates, all of which are rescored on float32; <see langword="true"/> traverses on float32 instead (the pure float mode).
    /// Ignored without quantization.
    /// </summary>
    public bool DisableQuantization { get; init; }

    /// <summary>
    /// With int8 traversal: at least this many candidates per requested result are rescored on float32 (≥ 1);
    /// 0 means the default, 1 (Qdrant's default too): the traversal keeps <c>max(ef, k)</c> candidates, as the
    /// float32 mode does, and rescores all of them, so ef means the same in both modes.
    /// </summary>
    public float Oversampling { get; init; }

    internal float EffectiveOversampling => Oversampling >= 1 ? Oversampling : 1f;
}
