using Vectron.Cli.CommandLine;
using Vectron.Index;

namespace Vectron.Cli.Datasets;

/// <summary>
/// Loads a dataset folder laid out like <c>shared/datasets/</c>: base vectors in <c>base.fvecs</c>,
/// <c>base.bvecs</c> or <c>&lt;name&gt;_base.fvecs|bvecs</c>, queries named the same way with
/// <c>query</c>, and ground truth in <c>gt_&lt;metric&gt;_top100.ivecs</c>.
/// </summary>
internal static class DatasetLoader
{
    /// <summary>Loads the folder; without <paramref name="metric"/> the one whose ground truth exists is used, L2 first.</summary>
    /// <param name="directory">The dataset folder.</param>
    /// <param name="metric">The metric to load ground truth for, or <see langword="null"/> to pick it.</param>
    /// <param name="maxQueries">Keep only the first this many queries, or <see langword="null"/> for all.</param>
    /// <param name="minimumNeighbours">Neighbours per query the ground truth must hold.</param>
    /// <exception cref="CliException">A file is missing, malformed or inconsistent with the others.</exception>
    public static Dataset Load(string directory, DistanceMetric? metric, int? maxQueries, int minimumNeighbours)
    {
        if (!Directory.Exists(directory))
        {
            throw new CliException($"dataset folder '{directory}' does not exist.");
        }

        string basePath = FindVectors(directory, "base");
        string queryPath = FindVectors(directory, "query");
        DistanceMetric chosen = metric ?? PickMetric(directory);
        string truthPath = Path.Combine(directory, $"gt_{MetricNames.Format(chosen)}_top100.ivecs");
        if (!File.Exists(truthPath))
        {
            throw new CliException($"'{directory}' has no ground truth for {MetricNames.Format(chosen)} ({Path.GetFileName(truthPath)}); {DescribeTruthFiles(directory)}");
        }

        DenseMatrix<float> vectors = ReadVectors(basePath);
        DenseMatrix<float> queries = ReadVectors(queryPath);
        DenseMatrix<int> truth = ReadIds(truthPath);
        if (vectors.Rows == 0)
        {
            throw new CliException($"{basePath} holds no vectors.");
        }

        if (queries.Rows == 0)
        {
            throw new CliException($"{queryPath} holds no vectors.");
        }

        if (queries.Columns != vectors.Columns)
        {
            throw new CliException($"dimensions do not match: {Path.GetFileName(basePath)} has {vectors.Columns}, {Path.GetFileName(queryPath)} has {queries.Columns}.");
        }

        if (truth.Rows != queries.Rows)
        {
            throw new CliException($"{Path.GetFileName(truthPath)} has {truth.Rows} rows but there are {queries.Rows} queries.");
        }

        if (truth.Columns < minimumNeighbours)
        {
            throw new CliException($"{Path.GetFileName(truthPath)} lists {truth.Columns} neighbours per query; at least {minimumNeighbours} are needed.");
        }

        foreach (int id in truth.Data)
        {
            if (id < 0 || id >= vectors.Rows)
            {
                throw new CliException($"{Path.GetFileName(truthPath)} names row {id}, but {Path.GetFileName(basePath)} has {vectors.Rows} rows: the files do not belong together.");
            }
        }

        VectorChecks.RequireFinite(vectors, basePath);
        VectorChecks.RequireFinite(queries, queryPath);
        if (maxQueries is int limit)
        {
            queries = queries.Take(limit);
            truth = truth.Take(limit);
        }

        string name = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory)));
        return new Dataset(name, vectors, queries, truth, chosen, Seed: null);
    }

    private static DistanceMetric PickMetric(string directory)
    {
        if (File.Exists(Path.Combine(directory, "gt_l2_top100.ivecs")))
        {
            return DistanceMetric.L2;
        }

        if (File.Exists(Path.Combine(directory, "gt_cosine_top100.ivecs")))
        {
            return DistanceMetric.Cosine;
        }

        throw new CliException($"'{directory}' has no ground truth (gt_l2_top100.ivecs or gt_cosine_top100.ivecs).");
    }

    private static string DescribeTruthFiles(string directory)
    {
        string[] found = Directory.GetFiles(directory, "gt_*_top100.ivecs");
        if (found.Length == 0)
        {
            return "it has no ground-truth files at all.";
        }

        Array.Sort(found, StringComparer.Ordinal);
        return "found: " + string.Join(", ", found.Select(Path.GetFileName)) + ".";
    }

    private static string FindVectors(string directory, string role)
    {
        var candidates = new List<string>();
        foreach (string extension in (string[])[".fvecs", ".bvecs"])
        {
            string plain = Path.Combine(directory, role + extension);
            if (File.Exists(plain))
            {
                candidates.Add(plain);
            }

            candidates.AddRange(Directory.GetFiles(directory, "*_" + role + extension));
        }

        if (candidates.Count == 0)
        {
            throw new CliException($"'{directory}' has no {role} vectors ({role}.fvecs, {role}.bvecs or <name>_{role}.fvecs).");
        }

        if (candidates.Count > 1)
        {
            candidates.Sort(StringComparer.Ordinal);
            throw new CliException($"'{directory}' has several {role} files ({string.Join(", ", candidates.Select(Path.GetFileName))}); keep one.");
        }

        return candidates[0];
    }

    private static DenseMatrix<float> ReadVectors(string path)
    {
        try
        {
            return TexmexFormat.ReadVectors(path);
        }
        catch (InvalidDataException e)
        {
            throw new CliException(e.Message, e);
        }
    }

    private static DenseMatrix<int> ReadIds(string path)
    {
        try
        {
            return TexmexFormat.ReadIvecs(path);
        }
        catch (InvalidDataException e)
        {
            throw new CliException(e.Message, e);
        }
    }
}
