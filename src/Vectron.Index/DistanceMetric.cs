namespace Vectron.Index;

/// <summary>How the distance between two vectors is measured. Smaller distances are nearer.</summary>
public enum DistanceMetric : byte
{
    /// <summary>Squared Euclidean distance, <c>Σ (aᵢ − bᵢ)²</c>.</summary>
    L2 = 0,

    /// <summary>Negative inner product, <c>−Σ aᵢ·bᵢ</c> (so larger dot products are nearer).</summary>
    Dot = 1,

    /// <summary>Cosine distance <c>1 − cos(a, b)</c>; vectors are normalised to unit length when stored.</summary>
    Cosine = 2,
}
