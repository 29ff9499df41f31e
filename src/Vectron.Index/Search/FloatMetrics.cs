using System.Runtime.CompilerServices;
using Vectron.Index.Kernels;

namespace Vectron.Index.Search;

/// <summary>
/// A float32 distance as a type, so the graph code is generic over it and the JIT specialises the
/// search loop per metric with no virtual call inside it.
/// </summary>
internal interface IFloatMetric
{
    /// <summary>The metric this type implements.</summary>
    static abstract DistanceMetric Metric { get; }

    /// <summary>Distance between two stored (for cosine: normalised) vectors; smaller is nearer.</summary>
    static abstract float Distance(ref float a, ref float b, int dimension);
}

/// <summary>Squared Euclidean distance.</summary>
internal readonly struct L2Metric : IFloatMetric
{
    public static DistanceMetric Metric => DistanceMetric.L2;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Distance(ref float a, ref float b, int dimension) => FloatKernels.SquaredL2(ref a, ref b, dimension);
}

/// <summary>Negative inner product.</summary>
internal readonly struct DotMetric : IFloatMetric
{
    public static DistanceMetric Metric => DistanceMetric.Dot;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Distance(ref float a, ref float b, int dimension) => -FloatKernels.Dot(ref a, ref b, dimension);
}

/// <summary>Cosine distance on unit vectors: <c>1 − a·b</c>.</summary>
internal readonly struct CosineMetric : IFloatMetric
{
    public static DistanceMetric Metric => DistanceMetric.Cosine;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Distance(ref float a, ref float b, int dimension) => 1f - FloatKernels.Dot(ref a, ref b, dimension);
}
