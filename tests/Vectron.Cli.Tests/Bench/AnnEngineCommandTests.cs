using System.Text.Json;
using Vectron.Cli.Bench;
using Vectron.Cli.Datasets;
using Vectron.Index;

namespace Vectron.Cli.Tests.Bench;

public sealed class AnnEngineCommandTests
{
    private const int BaseCount = 400;
    private const int QueryCount = 30;
    private const int Dimension = 8;

    [Fact]
    public void Run_WritesNoSearchOutput_UntilEveryTimedPassIsDone()
    {
        // Output written between passes made its code hot, and the runtime compiled it in the background
        // during later timed passes (docs/benchmarks.md): every pass must finish before the first search line.
        using var temp = new TempDirectory();
        (DenseMatrix<float> vectors, DenseMatrix<float> queries) = SyntheticDataset.Generate(BaseCount, Dimension, QueryCount, seed: 12);
        TexmexFormat.WriteFvecs(temp.File("base.fvecs"), vectors);
        TexmexFormat.WriteFvecs(temp.File("query.fvecs"), queries);
        var order = new List<string>();
        using var stdout = new OrderRecordingWriter(order, "out");
        using var stderr = new OrderRecordingWriter(order, "err");

        int exit = CliApplication.Run(
        [
            "bench", "ann-engine", "--base", temp.File("base.fvecs"), "--query", temp.File("query.fvecs"),
            "--metric", "l2", "--k", "10", "--sweep", "10,16,32", "--build-threads", "1", "--search-threads", "1",
            "--params", """{"M":8,"ef_construction":64}""", "--out-dir", temp.File("out"), "--warmup", "5", "--jit-warmup", "0.05",
        ], stdout, stderr);

        Assert.True(exit == 0, string.Join('\n', order));
        int lastPass = order.FindLastIndex(line => line.StartsWith("err ef ", StringComparison.Ordinal) && line.Contains("sequential pass", StringComparison.Ordinal));
        int firstSearch = order.FindIndex(line => line.StartsWith("out ", StringComparison.Ordinal) && line.Contains("\"search\"", StringComparison.Ordinal));
        Assert.Equal(3, order.Count(line => line.Contains("sequential pass", StringComparison.Ordinal)));
        Assert.True(lastPass >= 0 && firstSearch > lastPass, string.Join('\n', order));
    }

    /// <summary>Records complete lines, tagged with the stream they went to, in the order they were written.</summary>
    private sealed class OrderRecordingWriter(List<string> order, string tag) : TextWriter
    {
        private readonly System.Text.StringBuilder _line = new();

        public override System.Text.Encoding Encoding => System.Text.Encoding.UTF8;

        public override void Write(char value)
        {
            if (value == '\n')
            {
                lock (order)
                {
                    order.Add($"{tag} {_line}");
                }

                _line.Clear();
            }
            else if (value != '\r')
            {
                _line.Append(value);
            }
        }
    }

    [Theory]
    [InlineData("f32")]
    [InlineData("int8")]
    public void Run_TinyDataset_PrintsTheProtocolLinesAndWritesIdsFiles(string quantization)
    {
        using var temp = new TempDirectory();
        (DenseMatrix<float> vectors, DenseMatrix<float> queries) = SyntheticDataset.Generate(BaseCount, Dimension, QueryCount, seed: 11);
        TexmexFormat.WriteFvecs(temp.File("base.fvecs"), vectors);
        TexmexFormat.WriteFvecs(temp.File("query.fvecs"), queries);
        string outDir = temp.File("out");
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        int exit = CliApplication.Run(
        [
            "bench", "ann-engine", "--base", temp.File("base.fvecs"), "--query", temp.File("query.fvecs"),
            "--metric", "l2", "--k", "10", "--sweep", "10,32", "--build-threads", "2", "--search-threads", "1,2",
            "--params", $$"""{"M":8,"ef_construction":64,"quantization":"{{quantization}}"}""", "--out-dir", outDir,
            "--build-1t", "--warmup", "5", "--jit-warmup", "0.05",
        ], stdout, stderr);

        Assert.True(exit == 0, stderr.ToString());
        List<JsonElement> lines = stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonDocument.Parse(line).RootElement.Clone()).ToList();
        Assert.Equal(1 + (2 * 3), lines.Count);

        JsonElement build = lines[0];
        Assert.Equal("build", build.GetProperty("event").GetString());
        Assert.Equal(BaseCount, build.GetProperty("n").GetInt32());
        Assert.Equal(Dimension, build.GetProperty("dim").GetInt32());
        Assert.Equal(2, build.GetProperty("build_threads").GetInt32());
        Assert.True(build.GetProperty("build_s").GetDouble() > 0);
        Assert.True(build.GetProperty("build_1t_s").GetDouble() > 0);
        Assert.True(build.GetProperty("index_bytes").GetInt64() > BaseCount * Dimension * sizeof(float));
        Assert.True(build.GetProperty("rss_after_build_kb").GetInt64() > 0);

        DenseMatrix<int> truth = ExactNeighbours.Compute(vectors, queries, DistanceMetric.L2, 10, threads: 1);
        int line = 1;
        foreach (int ef in (int[])[10, 32])
        {
            JsonElement sequential = lines[line++];
            Assert.Equal("search", sequential.GetProperty("event").GetString());
            Assert.Equal("sequential", sequential.GetProperty("mode").GetString());
            Assert.Equal(ef, sequential.GetProperty("sweep").GetInt32());
            Assert.Equal(1, sequential.GetProperty("threads").GetInt32());
            Assert.Equal(QueryCount, sequential.GetProperty("n").GetInt32());
            Assert.Equal(QueryCount, sequential.GetProperty("lat_us").GetArrayLength());
            foreach (int threads in (int[])[1, 2])
            {
                JsonElement batch = lines[line++];
                Assert.Equal("batch", batch.GetProperty("mode").GetString());
                Assert.Equal(ef, batch.GetProperty("sweep").GetInt32());
                Assert.Equal(threads, batch.GetProperty("threads").GetInt32());
                Assert.True(batch.GetProperty("wall_s").GetDouble() > 0);
            }

            string idsPath = Path.Combine(outDir, $"ids_{ef}.ivecs");
            Assert.Equal(QueryCount * (1 + 10) * sizeof(int), new FileInfo(idsPath).Length);
            DenseMatrix<int> ids = TexmexFormat.ReadIvecs(idsPath);
            Assert.Equal((QueryCount, 10), (ids.Rows, ids.Columns));
            Assert.All(ids.Data, id => Assert.InRange(id, 0, BaseCount - 1));
            double recall = Recall.AtK(ids, truth, 10);
            Assert.True(recall >= 0.8, $"recall@10 {recall} at ef {ef} ({quantization})");
        }

        Assert.Equal(["ids_10.ivecs", "ids_32.ivecs"], Directory.GetFiles(outDir).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Run_MismatchedDimensions_FailsWithoutStackTrace()
    {
        using var temp = new TempDirectory();
        TexmexFormat.WriteFvecs(temp.File("base.fvecs"), new DenseMatrix<float>(2, 4, new float[8]));
        TexmexFormat.WriteFvecs(temp.File("query.fvecs"), new DenseMatrix<float>(1, 3, new float[3]));
        var stderr = new StringWriter();

        int exit = CliApplication.Run(
            ["bench", "ann-engine", "--base", temp.File("base.fvecs"), "--query", temp.File("query.fvecs"), "--out-dir", temp.Path],
            new StringWriter(), stderr);

        Assert.Equal(1, exit);
        Assert.Equal("vectron: error: dimensions do not match: --base has 4, --query has 3.\n", stderr.ToString().ReplaceLineEndings("\n"));
    }
}
