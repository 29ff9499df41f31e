using Vectron.Cli.Bench;
using Vectron.Index;
using Vectron.Index.Kernels;

namespace Vectron.Cli.Datasets;

/// <summary>Exact k-nearest neighbours by brute force: the ground truth of generated datasets.</summary>
internal static class ExactNeighbours
{
    /// <summary>
    /// For every query, the row numbers of its <paramref name="k"/> nearest base vectors, nearest first,
    /// ties broken by the smaller row number. Queries are spread over <paramref name="threads"/> threads.
    /// </summary>
    public static DenseMatrix<int> Compute(DenseMatrix<float> vectors, DenseMatrix<float> queries, DistanceMetric metric, int k, int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(k, vectors.Rows);
        if (metric == DistanceMetric.Cosine)
        {
            vectors = Normalized(vectors);
            queries = Normalized(queries);
        }

        var result = new DenseMatrix<int>(queries.Rows, k);
        var distances = new float[threads][];
        for (int t = 0; t < threads; t++)
        {
            distances[t] = new float[k];
        }

        WorkerGroup.RunOnce(queries.Rows, threads, (query, worker) =>
            TopK(vectors, queries.Row(query), metric, result.Row(query), distances[worker]));
        return result;
    }

    private static void TopK(DenseMatrix<float> vectors, ReadOnlySpan<float> query, DistanceMetric metric, Span<int> ids, Span<float> distances)
    {
        int k = ids.Length;
        int filled = 0;
        for (int row = 0; row < vectors.Rows; row++)
        {
            ReadOnlySpan<float> vector = vectors.Row(row);
            float d = metric switch
            {
                DistanceMetric.L2 => FloatKernels.SquaredL2(query, vector),
                DistanceMetric.Cosine => 1 - FloatKernels.Dot(query, vector),
                _ => -FloatKernels.Dot(query, vector),
            };

            // Rows arrive in increasing order, so a strict comparison keeps the smaller row first among ties.
            if (filled == k && d >= distances[k - 1])
            {
                continue;
            }

            int position = filled == k ? k - 1 : filled++;
            while (position > 0 && distances[position - 1] > d)
            {
                distances[position] = distances[position - 1];
                ids[position] = ids[position - 1];
                position--;
            }

            distances[position] = d;
            ids[position] = row;
        }
    }

    private static DenseMatrix<float> Normalized(DenseMatrix<float> vectors)
    {
        var copy = new DenseMatrix<float>(vectors.Rows, vectors.Columns, (float[])vectors.Data.Clone());
        for (int row = 0; row < copy.Rows; row++)
        {
            Span<float> vector = copy.Row(row);
            float norm = FloatKernels.Norm(vector);
            if (norm > 0)
            {
                for (int j = 0; j < vector.Length; j++)
                {
                    vector[j] /= norm;
                }
            }
        }

        return copy;
    }
}
