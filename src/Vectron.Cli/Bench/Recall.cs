using Vectron.Cli.Datasets;

namespace Vectron.Cli.Bench;

/// <summary>Recall against exact ground truth, as the peers harness computes it.</summary>
internal static class Recall
{
    /// <summary>
    /// Mean over queries of <c>|found[:k] ∩ truth[:k]| / k</c>. Rows of <paramref name="found"/> may be
    /// padded with −1 when a search returned fewer than k results; those never match.
    /// </summary>
    /// <remarks>
    /// Rows of <paramref name="truth"/> may be padded with −1 too, when fewer than k points qualify
    /// (a selective filter): then only the real neighbours count, in the hits and in the
    /// denominator alike, and the result is NaN when no query has any.
    /// </remarks>
    /// <exception cref="ArgumentException">The matrices disagree on the number of queries, or either has fewer than k columns.</exception>
    public static double AtK(DenseMatrix<int> found, DenseMatrix<int> truth, int k)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        if (found.Rows != truth.Rows)
        {
            throw new ArgumentException($"{found.Rows} result rows for {truth.Rows} ground-truth rows.", nameof(found));
        }

        if (found.Columns < k || truth.Columns < k)
        {
            throw new ArgumentException($"recall@{k} needs {k} columns; results have {found.Columns}, ground truth {truth.Columns}.", nameof(k));
        }

        if (truth.Rows == 0)
        {
            return 0;
        }

        long hits = 0;
        long expectedCount = 0;
        for (int row = 0; row < truth.Rows; row++)
        {
            ReadOnlySpan<int> expected = truth.Row(row)[..k];
            ReadOnlySpan<int> actual = found.Row(row)[..k];
            foreach (int id in expected)
            {
                if (id < 0)
                {
                    continue;
                }

                // Ground-truth ids are distinct, so counting each one at most once is the set intersection.
                expectedCount++;
                if (actual.Contains(id))
                {
                    hits++;
                }
            }
        }

        return expectedCount == 0 ? double.NaN : hits / (double)expectedCount;
    }
}
