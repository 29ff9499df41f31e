using Vectron.Index;

namespace Vectron.Cli.Datasets;

/// <summary>Base vectors, queries and each query's exact nearest neighbours (row numbers of the base, nearest first).</summary>
/// <param name="Name">Shown in reports: the folder name, or <c>synthetic</c>.</param>
/// <param name="Base">The vectors to index; row numbers are their keys.</param>
/// <param name="Queries">The query vectors, of the same dimension.</param>
/// <param name="GroundTruth">Per query, the exact neighbours' row numbers, nearest first.</param>
/// <param name="Metric">The metric the ground truth was computed with.</param>
/// <param name="Seed">The generator seed of a synthetic set; <see langword="null"/> for files.</param>
internal sealed record Dataset(
    string Name,
    DenseMatrix<float> Base,
    DenseMatrix<float> Queries,
    DenseMatrix<int> GroundTruth,
    DistanceMetric Metric,
    ulong? Seed)
{
    /// <summary>Dimension of every vector.</summary>
    public int Dimension => Base.Columns;
}
