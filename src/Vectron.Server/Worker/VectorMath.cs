using Vectron.Index.Kernels;

namespace Vectron.Server.Worker;

/// <summary>Scores of the exact scan, in Qdrant's conventions, on the index's SIMD kernels (the same arithmetic the graph uses).</summary>
internal static class VectorMath
{
    public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b) => FloatKernels.Dot(a, b);

    public static float SquaredDistance(ReadOnlySpan<float> a, ReadOnlySpan<float> b) => FloatKernels.SquaredL2(a, b);

    /// <summary>Scales to unit length; a zero vector stays zero (Qdrant does the same). The norm does not overflow for large components.</summary>
    public static void Normalize(Span<float> vector)
    {
        float norm = FloatKernels.Norm(vector);
        if (norm > 0 && float.IsFinite(norm))
        {
            for (int i = 0; i < vector.Length; i++)
            {
                vector[i] /= norm;
            }
        }
    }
}
