using System.Buffers.Binary;

namespace Vectron.Index.Tests.Support;

/// <summary>A base set, queries and exact top-100 ground truth, loaded from ../shared/datasets.</summary>
internal sealed class Dataset
{
    private Dataset(string name, float[][] baseVectors, float[][] queries, int[][] truth)
    {
        Name = name;
        Base = baseVectors;
        Queries = queries;
        Truth = truth;
    }

    public string Name { get; }

    public float[][] Base { get; }

    public float[][] Queries { get; }

    public int[][] Truth { get; }

    public int Dimension => Base[0].Length;

    /// <summary>The shared datasets folder: $VECTRON_DATASETS, or shared/datasets beside the checkout.</summary>
    public static string Root()
    {
        string? configured = Environment.GetEnvironmentVariable("VECTRON_DATASETS");
        if (!string.IsNullOrEmpty(configured))
        {
            return configured;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "shared", "datasets");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException(
            "The recall tests need the shared ANN datasets: set VECTRON_DATASETS or place the checkout next to shared/datasets.");
    }

    public static Dataset Load(string name, string baseFile, string queryFile, string truthFile, int maxQueries = int.MaxValue)
    {
        string dir = Path.Combine(Root(), name);
        float[][] queries = Read(Path.Combine(dir, queryFile));
        int[][] truth = ReadInts(Path.Combine(dir, truthFile));
        if (queries.Length > maxQueries)
        {
            queries = queries[..maxQueries];
            truth = truth[..maxQueries];
        }

        return new Dataset(name, Read(Path.Combine(dir, baseFile)), queries, truth);
    }

    private static float[][] Read(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        bool isBytes = path.EndsWith(".bvecs", StringComparison.Ordinal);
        int dim = BinaryPrimitives.ReadInt32LittleEndian(bytes);
        int record = 4 + (dim * (isBytes ? 1 : 4));
        var rows = new float[bytes.Length / record][];
        for (int r = 0; r < rows.Length; r++)
        {
            var row = new float[dim];
            ReadOnlySpan<byte> data = bytes.AsSpan((r * record) + 4, record - 4);
            for (int i = 0; i < dim; i++)
            {
                row[i] = isBytes ? data[i] : BinaryPrimitives.ReadSingleLittleEndian(data[(4 * i)..]);
            }

            rows[r] = row;
        }

        return rows;
    }

    private static int[][] ReadInts(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        int dim = BinaryPrimitives.ReadInt32LittleEndian(bytes);
        int record = 4 + (dim * 4);
        var rows = new int[bytes.Length / record][];
        for (int r = 0; r < rows.Length; r++)
        {
            var row = new int[dim];
            for (int i = 0; i < dim; i++)
            {
                row[i] = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan((r * record) + 4 + (4 * i)));
            }

            rows[r] = row;
        }

        return rows;
    }
}
