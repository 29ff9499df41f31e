namespace Vectron.Index.Kernels;

/// <summary>
/// Plain-loop definitions of the distance kernels, used as test oracles: floats are accumulated in
/// float64 and int8 in 64-bit integers, so these are as exact as their return types allow. Slow;
/// never call them on a hot path.
/// </summary>
internal static class ScalarReference
{
    /// <summary>Squared Euclidean distance, summed in float64.</summary>
    public static double SquaredL2(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        CheckLengths(a.Length, b.Length);
        double sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            double d = (double)a[i] - b[i];
            sum += d * d;
        }

        return sum;
    }

    /// <summary>Dot product, summed in float64.</summary>
    public static double Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        CheckLengths(a.Length, b.Length);
        double sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            sum += (double)a[i] * b[i];
        }

        return sum;
    }

    /// <summary>Cosine similarity in float64; 0 when either vector has zero norm.</summary>
    public static double CosineSimilarity(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double dot = Dot(a, b);
        double normA = Math.Sqrt(Dot(a, a));
        double normB = Math.Sqrt(Dot(b, b));
        return normA == 0 || normB == 0 ? 0 : dot / (normA * normB);
    }

    /// <summary>Int8 dot product, summed in 64 bits.</summary>
    public static long Int8Dot(ReadOnlySpan<sbyte> a, ReadOnlySpan<sbyte> b)
    {
        CheckLengths(a.Length, b.Length);
        long sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }

    /// <summary>Dot product of unsigned and signed bytes, summed in 64 bits.</summary>
    public static long Int8DotUnsignedSigned(ReadOnlySpan<byte> a, ReadOnlySpan<sbyte> b)
    {
        CheckLengths(a.Length, b.Length);
        long sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }

    /// <summary>Int8 squared Euclidean distance, summed in 64 bits.</summary>
    public static long Int8SquaredL2(ReadOnlySpan<sbyte> a, ReadOnlySpan<sbyte> b)
    {
        CheckLengths(a.Length, b.Length);
        long sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            int d = a[i] - b[i];
            sum += d * d;
        }

        return sum;
    }

    private static void CheckLengths(int lengthA, int lengthB)
    {
        if (lengthA != lengthB)
        {
            throw new ArgumentException($"Vectors must have the same length; got {lengthA} and {lengthB}.");
        }
    }
}
