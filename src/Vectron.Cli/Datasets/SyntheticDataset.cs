using Vectron.Index;

namespace Vectron.Cli.Datasets;

/// <summary>
/// A Gaussian-mixture dataset generated in memory, with exact ground truth: one centre per ~200
/// points (at most 1,000), centres N(0, I), per-cluster σ uniform in [0.35, 0.65], cluster weights
/// Gamma(2)-distributed (Dirichlet(2) once normalised) — the recipe of the peers harness's synthetic set.
/// </summary>
/// <remarks>The same seed and sizes give the same vectors on every machine and runtime.</remarks>
internal static class SyntheticDataset
{
    /// <summary>Default seed of <c>vectron bench ann</c>.</summary>
    public const ulong DefaultSeed = 20240601;

    /// <summary>Ground-truth neighbours kept per query.</summary>
    public const int TruthDepth = 100;

    /// <summary>Generates base vectors and queries from the same mixture, then computes exact top-100 neighbours.</summary>
    public static Dataset Create(int count, int dimension, int queryCount, ulong seed, DistanceMetric metric, int threads)
    {
        (DenseMatrix<float> vectors, DenseMatrix<float> queries) = Generate(count, dimension, queryCount, seed);
        DenseMatrix<int> truth = ExactNeighbours.Compute(vectors, queries, metric, Math.Min(TruthDepth, count), threads);
        return new Dataset("synthetic", vectors, queries, truth, metric, seed);
    }

    /// <summary>Generates <paramref name="count"/> base vectors and <paramref name="queryCount"/> queries.</summary>
    public static (DenseMatrix<float> Base, DenseMatrix<float> Queries) Generate(int count, int dimension, int queryCount, ulong seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(queryCount, 1);

        // Stream 0 draws the mixture, 1 the base points, 2 the queries: resizing one part leaves the others unchanged.
        var mixtureRandom = new SeededRandom(seed, stream: 0);
        int clusters = Math.Clamp(count / 200, 1, 1_000);
        var centres = new float[clusters * dimension];
        for (int i = 0; i < centres.Length; i++)
        {
            centres[i] = (float)mixtureRandom.NextGaussian();
        }

        var sigmas = new double[clusters];
        var cumulative = new double[clusters];
        double total = 0;
        for (int c = 0; c < clusters; c++)
        {
            sigmas[c] = mixtureRandom.NextDouble(0.35, 0.65);

            // Gamma(2, 1) is the sum of two Exp(1); normalised Gamma(2) weights are Dirichlet(2).
            total += -Math.Log(1 - mixtureRandom.NextDouble()) - Math.Log(1 - mixtureRandom.NextDouble());
            cumulative[c] = total;
        }

        DenseMatrix<float> vectors = Sample(count, dimension, centres, sigmas, cumulative, new SeededRandom(seed, stream: 1));
        DenseMatrix<float> queries = Sample(queryCount, dimension, centres, sigmas, cumulative, new SeededRandom(seed, stream: 2));
        return (vectors, queries);
    }

    private static DenseMatrix<float> Sample(int count, int dimension, float[] centres, double[] sigmas, double[] cumulative, SeededRandom random)
    {
        var matrix = new DenseMatrix<float>(count, dimension);
        double total = cumulative[^1];
        for (int row = 0; row < count; row++)
        {
            int cluster = Array.BinarySearch(cumulative, random.NextDouble() * total);
            cluster = cluster >= 0 ? cluster : Math.Min(~cluster, cumulative.Length - 1);
            ReadOnlySpan<float> centre = centres.AsSpan(cluster * dimension, dimension);
            double sigma = sigmas[cluster];
            Span<float> target = matrix.Row(row);
            for (int j = 0; j < dimension; j++)
            {
                target[j] = (float)(centre[j] + (sigma * random.NextGaussian()));
            }
        }

        return matrix;
    }
}
