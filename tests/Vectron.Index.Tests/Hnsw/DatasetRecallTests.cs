using Vectron.Index.Tests.Support;

namespace Vectron.Index.Tests.Hnsw;

/// <summary>
/// Recall@10 on the shared ANN datasets against their exact ground truth, m = 16, ef_construction = 200.
/// One graph per dataset serves both modes: an int8 index searched with and without quantization.
/// </summary>
public sealed class DatasetRecallTests
{
    private static readonly Lazy<(Dataset Data, HnswIndex Index)> Sift = new(() => Build(
        Dataset.Load("siftsmall", "siftsmall_base.fvecs", "siftsmall_query.fvecs", "gt_l2_top100.ivecs"), DistanceMetric.L2));

    private static readonly Lazy<(Dataset Data, HnswIndex Index)> Fashion = new(() => Build(
        Dataset.Load("fashion-mnist-784", "base.bvecs", "query.bvecs", "gt_l2_top100.ivecs", maxQueries: 1_000), DistanceMetric.L2));

    private static readonly Lazy<(Dataset Data, HnswIndex Index)> Glove = new(() => Build(
        Dataset.Load("glove-twitter-25d-12k", "base.fvecs", "query.fvecs", "gt_cosine_top100.ivecs"), DistanceMetric.Cosine));

    private static readonly Lazy<(Dataset Data, HnswIndex Index)> Word2Vec = new(() => Build(
        Dataset.Load("word2vec-googlenews-300d-8k", "base.fvecs", "query.fvecs", "gt_cosine_top100.ivecs"), DistanceMetric.Cosine));

    [Theory]
    [InlineData("siftsmall", 64, 0.98, 0.97)]
    [InlineData("fashion-mnist-784", 64, 0.98, 0.97)]
    [InlineData("glove-twitter-25d-12k", 64, 0.97, 0.95)]
    [InlineData("word2vec-googlenews-300d-8k", 64, 0.97, 0.95)]
    public void RecallAt10_MeetsThreshold_InFloat32AndInt8WithRescore(string dataset, int ef, double float32Minimum, double int8Minimum)
    {
        (Dataset data, HnswIndex index) = dataset switch
        {
            "siftsmall" => Sift.Value,
            "fashion-mnist-784" => Fashion.Value,
            "glove-twitter-25d-12k" => Glove.Value,
            _ => Word2Vec.Value,
        };

        double float32 = Recall.AtK(index, data.Queries, data.Truth, 10, new SearchParameters { Ef = ef, DisableQuantization = true });
        double int8 = Recall.AtK(index, data.Queries, data.Truth, 10, new SearchParameters { Ef = ef });

        Assert.True(float32 >= float32Minimum, $"{dataset}: float32 recall@10 {float32:F4} at ef {ef} is below {float32Minimum}");
        Assert.True(int8 >= int8Minimum, $"{dataset}: int8+rescore recall@10 {int8:F4} at ef {ef} is below {int8Minimum}");
    }

    private static (Dataset, HnswIndex) Build(Dataset data, DistanceMetric metric)
    {
        HnswIndex index = IndexBuilder.Build(data.Base, new HnswOptions
        {
            Dimension = data.Dimension,
            Metric = metric,
            M = 16,
            EfConstruction = 200,
            Quantization = QuantizationKind.Int8,
            InitialCapacity = data.Base.Length,
        });
        Assert.True(index.IsCalibrated);
        return (data, index);
    }
}
