using Vectron.Cli.CommandLine;
using Vectron.Cli.Import;
using Vectron.Cli.Tests.Client;

namespace Vectron.Cli.Tests.Import;

public sealed class ImportCommandTests : IDisposable
{
    private const int PointCount = 1_000;
    private const int Dimension = 8;
    private const int BatchSize = 64;

    private readonly TempDirectory _directory = new();
    private readonly float[][] _rows = PointFiles.Rows(PointCount, Dimension);
    private readonly string _file;

    public ImportCommandTests()
    {
        _file = Path.Combine(_directory.Path, "points.fvecs");
        PointFiles.WriteFvecs(_file, _rows);
    }

    public void Dispose() => _directory.Dispose();

    private ImportOptions Options(FakeVectronServer server, int parallel, bool create = true) => new()
    {
        File = _file,
        Collection = "docs",
        Url = server.Url.AbsoluteUri,
        BatchSize = BatchSize,
        Parallel = parallel,
        CreateDistance = create ? "Cosine" : null,
        CheckpointPath = Path.Combine(_directory.Path, "checkpoint.json"),
        RetryBaseDelay = TimeSpan.Zero,
    };

    private static int Run(ImportOptions options, StringWriter output, CancellationToken cancellationToken = default) =>
        new ImportCommand(options, output, new StringWriter(), TimeProvider.System, terminal: false).Run(cancellationToken);

    private void AssertAllDelivered(FakeVectronServer server)
    {
        Assert.Equal(PointCount, server.Points.Count);
        for (int i = 0; i < PointCount; i++)
        {
            Assert.Equal(_rows[i], server.Points[i.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public async Task Import_CreatesTheCollection_AndDeliversEveryPoint(int parallel)
    {
        await using var server = await FakeVectronServer.StartAsync();
        var output = new StringWriter();
        Assert.Equal(0, Run(Options(server, parallel), output));
        Assert.Equal(Dimension, server.Collections["docs"]);
        AssertAllDelivered(server);
        Assert.Equal((PointCount + BatchSize - 1) / BatchSize, server.UpsertRequests);
        Assert.Contains("imported 1,000 points into 'docs'", output.ToString(), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_directory.Path, "checkpoint.json")));
    }

    [Fact]
    public async Task Import_MissingCollectionWithoutCreate_SaysHowToCreateIt()
    {
        await using var server = await FakeVectronServer.StartAsync();
        var error = Assert.Throws<CliException>(() => Run(Options(server, 1, create: false), new StringWriter()));
        Assert.Contains("collection 'docs' does not exist", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, server.UpsertRequests);
    }

    [Fact]
    public async Task Import_CollectionOfAnotherDimension_IsRefusedBeforeSendingAnything()
    {
        await using var server = await FakeVectronServer.StartAsync();
        server.Collections["docs"] = 3;
        var error = Assert.Throws<CliException>(() => Run(Options(server, 1), new StringWriter()));
        Assert.Contains("dimension 3", error.Message, StringComparison.Ordinal);
        Assert.Contains("dimension 8", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, server.UpsertRequests);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public async Task Import_RefusedBatch_StopsWithItsRange_ThenResumesFromTheCheckpoint(int parallel)
    {
        await using var server = await FakeVectronServer.StartAsync();
        server.Fault = request => request == 5 ? 400 : 0;
        var options = Options(server, parallel);
        var error = Assert.Throws<CliException>(() => Run(options, new StringWriter()));
        Assert.Contains("injected fault on request 5", error.Message, StringComparison.Ordinal);
        Assert.Contains("run the same command again to resume", error.Message, StringComparison.Ordinal);

        var checkpoint = ImportCheckpoint.Read(options.CheckpointPath);
        Assert.NotNull(checkpoint);
        Assert.True(checkpoint.PointsDone < PointCount);
        Assert.Equal(0, checkpoint.PointsDone % BatchSize);
        for (int i = 0; i < checkpoint.PointsDone; i++)
        {
            // Everything the checkpoint counts really arrived.
            Assert.True(server.Points.ContainsKey(i.ToString(System.Globalization.CultureInfo.InvariantCulture)), $"point {i} below checkpoint {checkpoint.PointsDone} missing");
        }

        if (parallel == 1)
        {
            Assert.Equal(4 * BatchSize, checkpoint.PointsDone);
            Assert.Contains("points 256–319 of the file (ids 256…319)", error.Message, StringComparison.Ordinal);
        }

        server.Fault = _ => 0;
        int before = server.UpsertRequests;
        server.Arrivals.Clear();
        Assert.Equal(0, Run(options, new StringWriter()));
        AssertAllDelivered(server);
        Assert.Equal(checkpoint.PointsDone.ToString(System.Globalization.CultureInfo.InvariantCulture), server.Arrivals.Min(id => long.Parse(id, System.Globalization.CultureInfo.InvariantCulture)).ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal((PointCount - checkpoint.PointsDone + BatchSize - 1) / BatchSize, server.UpsertRequests - before);
        Assert.False(File.Exists(options.CheckpointPath));
    }

    [Fact]
    public async Task Import_TransientFailures_AreRetried()
    {
        await using var server = await FakeVectronServer.StartAsync();
        server.Fault = request => request is 2 or 3 or 7 ? 503 : 0;
        var output = new StringWriter();
        Assert.Equal(0, Run(Options(server, 1), output));
        AssertAllDelivered(server);
        Assert.Contains("3 batches were retried", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_TransientFailuresBeyondTheRetries_StopTheImport()
    {
        await using var server = await FakeVectronServer.StartAsync();
        server.Fault = request => request >= 3 ? 503 : 0;
        var options = Options(server, 1) with { Retries = 2 };
        var error = Assert.Throws<CliException>(() => Run(options, new StringWriter()));
        Assert.Contains("503", error.Message, StringComparison.Ordinal);
        Assert.Equal(2 * BatchSize, ImportCheckpoint.Read(options.CheckpointPath)!.PointsDone);
    }

    [Fact]
    public async Task Import_Interrupted_KeepsTheCheckpoint_AndTheNextRunFinishes()
    {
        await using var server = await FakeVectronServer.StartAsync();
        using var interrupt = new CancellationTokenSource();
        server.Fault = request =>
        {
            if (request == 4)
            {
                interrupt.Cancel();
            }

            return 0;
        };
        var options = Options(server, 1);
        Assert.Equal(ImportCommand.InterruptedExitCode, Run(options, new StringWriter(), interrupt.Token));
        long done = ImportCheckpoint.Read(options.CheckpointPath)!.PointsDone;
        Assert.InRange(done, 3 * BatchSize, 4 * BatchSize);

        server.Fault = _ => 0;
        Assert.Equal(0, Run(options, new StringWriter()));
        AssertAllDelivered(server);
    }

    [Fact]
    public async Task Import_DamagedLine_ReportsIt_AndKeepsWhatWasAcknowledged()
    {
        await using var server = await FakeVectronServer.StartAsync();
        string file = Path.Combine(_directory.Path, "points.jsonl");
        var lines = Enumerable.Range(0, 300).Select(i => $$"""{"id": {{i}}, "vector": [{{i}}, 1]}""").ToList();
        lines[200] = """{"id": 200, "vector": [1]}""";
        File.WriteAllLines(file, lines);
        var options = Options(server, 1) with { File = file, BatchSize = 50 };
        var error = Assert.Throws<InvalidDataException>(() => Run(options, new StringWriter()));
        Assert.Contains("line 201", error.Message, StringComparison.Ordinal);
        Assert.Equal(200, ImportCheckpoint.Read(options.CheckpointPath)!.PointsDone);
        Assert.Equal(200, server.Points.Count);
    }

    [Fact]
    public async Task Import_NoServer_SaysItCannotReachIt()
    {
        int port;
        await using (var server = await FakeVectronServer.StartAsync())
        {
            port = server.Url.Port;
        }

        var options = Options(new Uri($"http://127.0.0.1:{port}/"));
        var error = Assert.Throws<Vectron.Cli.Client.RestException>(() => Run(options, new StringWriter()));
        Assert.Contains("cannot reach Vectron at http://127.0.0.1:", error.Message, StringComparison.Ordinal);
        Assert.Contains("is 'vectron serve' running", error.Message, StringComparison.Ordinal);
    }

    private ImportOptions Options(Uri url) => new()
    {
        File = _file,
        Collection = "docs",
        Url = url.AbsoluteUri,
        CheckpointPath = Path.Combine(_directory.Path, "checkpoint.json"),
        CreateDistance = "Cosine",
    };

    [Fact]
    public async Task Import_Sample_GeneratesTheSamePointsEveryTime()
    {
        await using var server = await FakeVectronServer.StartAsync();
        var options = ImportOptions.Parse(["--sample", "300", "--dimension", "8", "--collection", "demo", "--create", "--distance", "Euclid",
            "--url", server.Url.AbsoluteUri, "--checkpoint", Path.Combine(_directory.Path, "sample.json")]) with { RetryBaseDelay = TimeSpan.Zero };
        Assert.Equal("sample-300x8", options.File);
        Assert.Equal(0, Run(options, new StringWriter()));
        Assert.Equal(8, server.Collections["demo"]);
        Assert.Equal(300, server.Points.Count);
        var (expected, _) = Vectron.Cli.Datasets.SyntheticDataset.Generate(300, 8, 1, SamplePointSource.Seed);
        Assert.Equal(expected.Row(299).ToArray(), server.Points["299"]);
    }
}
