namespace Vectron.Index.Tests.Support;

internal static class IndexBuilder
{
    /// <summary>Builds an index over rows (key = row number) with two threads.</summary>
    public static HnswIndex Build(float[][] rows, HnswOptions options, int threads = 2)
    {
        var index = new HnswIndex(options);
        Parallel.For(0, rows.Length, new ParallelOptions { MaxDegreeOfParallelism = threads }, i => index.Upsert((ulong)i, rows[i]));
        return index;
    }

    /// <summary>Gaussian clusters: realistic enough for recall, deterministic for a seed.</summary>
    public static float[][] Clustered(int count, int dimension, int clusters, int seed)
    {
        var random = new Random(seed);
        var centres = new float[clusters][];
        for (int c = 0; c < clusters; c++)
        {
            centres[c] = new float[dimension];
            for (int i = 0; i < dimension; i++)
            {
                centres[c][i] = (float)(Gaussian(random) * 3);
            }
        }

        var rows = new float[count][];
        for (int r = 0; r < count; r++)
        {
            float[] centre = centres[random.Next(clusters)];
            rows[r] = new float[dimension];
            for (int i = 0; i < dimension; i++)
            {
                rows[r][i] = centre[i] + (float)Gaussian(random);
            }
        }

        return rows;
    }

    public static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
