using Vectron.Cli.CommandLine;
using Vectron.Cli.Datasets;
using Vectron.Index;

namespace Vectron.Cli.Tests.Datasets;

public sealed class DatasetLoaderTests
{
    [Fact]
    public void Load_SiftsmallNames_AndDefaultMetricL2()
    {
        using var temp = new TempDirectory();
        WriteSet(temp, "tiny_base.fvecs", "tiny_query.fvecs", 4, 4, ["gt_l2_top100.ivecs", "gt_cosine_top100.ivecs"]);

        Dataset data = DatasetLoader.Load(temp.Path, metric: null, maxQueries: null, minimumNeighbours: 10);

        Assert.Equal(DistanceMetric.L2, data.Metric);
        Assert.Equal((20, 4), (data.Base.Rows, data.Base.Columns));
        Assert.Equal(3, data.Queries.Rows);
        Assert.Null(data.Seed);
    }

    [Fact]
    public void Load_OnlyCosineTruth_PicksCosine_AndQueriesAreLimited()
    {
        using var temp = new TempDirectory();
        WriteSet(temp, "base.fvecs", "query.fvecs", 4, 4, ["gt_cosine_top100.ivecs"]);

        Dataset data = DatasetLoader.Load(temp.Path, metric: null, maxQueries: 2, minimumNeighbours: 10);

        Assert.Equal(DistanceMetric.Cosine, data.Metric);
        Assert.Equal(2, data.Queries.Rows);
        Assert.Equal(2, data.GroundTruth.Rows);
    }

    [Fact]
    public void Load_BvecsBase_IsWidened()
    {
        using var temp = new TempDirectory();
        WriteSet(temp, "base.fvecs", "query.fvecs", 4, 4, ["gt_l2_top100.ivecs"]);
        File.Delete(temp.File("base.fvecs"));
        TexmexFormat.WriteBvecs(temp.File("base.bvecs"), new DenseMatrix<byte>(20, 4, Enumerable.Range(0, 80).Select(i => (byte)i).ToArray()));

        Dataset data = DatasetLoader.Load(temp.Path, metric: null, maxQueries: null, minimumNeighbours: 10);

        Assert.Equal(79f, data.Base.Data[^1]);
    }

    [Fact]
    public void Load_MismatchedDimensions_Throws()
    {
        using var temp = new TempDirectory();
        WriteSet(temp, "base.fvecs", "query.fvecs", 4, 5, ["gt_l2_top100.ivecs"]);

        var error = Assert.Throws<CliException>(() => DatasetLoader.Load(temp.Path, null, null, 10));

        Assert.Contains("dimensions do not match: base.fvecs has 4, query.fvecs has 5", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NoGroundTruth_Throws()
    {
        using var temp = new TempDirectory();
        WriteSet(temp, "base.fvecs", "query.fvecs", 4, 4, []);

        var error = Assert.Throws<CliException>(() => DatasetLoader.Load(temp.Path, null, null, 10));

        Assert.Contains("has no ground truth", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_RequestedMetricMissing_ListsWhatExists()
    {
        using var temp = new TempDirectory();
        WriteSet(temp, "base.fvecs", "query.fvecs", 4, 4, ["gt_l2_top100.ivecs"]);

        var error = Assert.Throws<CliException>(() => DatasetLoader.Load(temp.Path, DistanceMetric.Cosine, null, 10));

        Assert.Contains("found: gt_l2_top100.ivecs", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NoBase_Throws()
    {
        using var temp = new TempDirectory();
        WriteSet(temp, "base.fvecs", "query.fvecs", 4, 4, ["gt_l2_top100.ivecs"]);
        File.Delete(temp.File("base.fvecs"));

        var error = Assert.Throws<CliException>(() => DatasetLoader.Load(temp.Path, null, null, 10));

        Assert.Contains("has no base vectors", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_TruthNamingRowsBeyondTheBase_Throws()
    {
        using var temp = new TempDirectory();
        WriteSet(temp, "base.fvecs", "query.fvecs", 4, 4, ["gt_l2_top100.ivecs"]);
        TexmexFormat.WriteFvecs(temp.File("base.fvecs"), new DenseMatrix<float>(5, 4, new float[20]));

        var error = Assert.Throws<CliException>(() => DatasetLoader.Load(temp.Path, null, null, 10));

        Assert.Contains("do not belong together", error.Message, StringComparison.Ordinal);
    }

    private static void WriteSet(TempDirectory temp, string baseName, string queryName, int baseDimension, int queryDimension, string[] truthNames)
    {
        TexmexFormat.WriteFvecs(temp.File(baseName), new DenseMatrix<float>(20, baseDimension, new float[20 * baseDimension]));
        TexmexFormat.WriteFvecs(temp.File(queryName), new DenseMatrix<float>(3, queryDimension, new float[3 * queryDimension]));
        foreach (string name in truthNames)
        {
            TexmexFormat.WriteIvecs(temp.File(name), new DenseMatrix<int>(3, 10, Enumerable.Range(0, 30).Select(i => i % 20).ToArray()));
        }
    }
}
