using System.Diagnostics;
using Vectron.Cli.Datasets;
using Vectron.Index;

namespace Vectron.Cli.Bench;

/// <summary>
/// <c>vectron bench ann</c>: builds an index over a dataset folder (or a generated Gaussian mixture
/// with exact ground truth), then per ef measures recall@10, one-thread latency and QPS, and
/// all-threads QPS. Prints one JSON object per ef, or an aligned table with <c>--table</c>.
/// </summary>
internal sealed class AnnBenchCommand
{
    private readonly AnnBenchOptions _options;
    private readonly TextWriter _output;
    private readonly TextWriter _diagnostics;

    public AnnBenchCommand(AnnBenchOptions options, TextWriter output, TextWriter diagnostics)
    {
        _options = options;
        _output = output;
        _diagnostics = diagnostics;
    }

    /// <summary>Runs the benchmark; returns the exit code.</summary>
    public int Run()
    {
        Dataset dataset = _options.Data.Load(AnnBenchOptions.RecallDepth, _options.Threads, _diagnostics);
        HnswOptions indexOptions = _options.IndexOptions(dataset.Dimension, dataset.Metric);
        _diagnostics.WriteLine($"building: {dataset.Base.Rows} vectors, M {_options.M}, ef_construct {_options.EfConstruction}, " +
            $"{QuantizationName}, {_options.Threads} threads ...");
        IndexBuilder.WarmUp(dataset.Base, indexOptions, _options.Threads);
        using HnswIndex index = IndexBuilder.Build(dataset.Base, indexOptions, _options.Threads, out double buildSeconds);
        IndexMemory memory = index.GetMemoryUsage();
        double bytesPerVector = _options.Quantization == QuantizationKind.Int8 ? memory.Int8BytesPerVector : memory.Float32BytesPerVector;

        ResultTable? table = _options.Table ? CreateTable(dataset, buildSeconds, bytesPerVector) : null;
        var json = table is null ? new JsonLineWriter(_output) : null;
        using var runner = new QueryRunner(index, dataset.Queries, _options.K);
        JitWarmup.Run(runner, _options.K, _options.EfValues, _options.Threads, _options.JitWarmupSeconds, _diagnostics);
        foreach (int ef in _options.EfValues)
        {
            AnnBenchResult result = Measure(runner, dataset, ef);
            table?.WriteRow(
                result.Ef.ToString(ResultTable.Invariant),
                result.RecallAt10.ToString("F4", ResultTable.Invariant),
                result.QueriesPerSecondSingle.ToString("N0", ResultTable.Invariant),
                result.QueriesPerSecondParallel.ToString("N0", ResultTable.Invariant),
                result.P50Milliseconds.ToString("F3", ResultTable.Invariant),
                result.P99Milliseconds.ToString("F3", ResultTable.Invariant));
            json?.WriteLine(w =>
            {
                JsonLineWriter.WriteDataset(w, dataset);
                w.WriteString("quantization", QuantizationName);
                w.WriteNumber("m", _options.M);
                w.WriteNumber("ef_construct", _options.EfConstruction);
                w.WriteNumber("threads", _options.Threads);
                w.WriteNumber("k", _options.K);
                w.WriteNumber("ef", result.Ef);
                JsonLineWriter.WriteRounded(w, "recall_at_10", result.RecallAt10, 4);
                JsonLineWriter.WriteRounded(w, "qps_1_thread", result.QueriesPerSecondSingle, 1);
                JsonLineWriter.WriteRounded(w, "qps_n_threads", result.QueriesPerSecondParallel, 1);
                JsonLineWriter.WriteRounded(w, "p50_ms", result.P50Milliseconds, 4);
                JsonLineWriter.WriteRounded(w, "p99_ms", result.P99Milliseconds, 4);
                JsonLineWriter.WriteRounded(w, "build_seconds", buildSeconds, 3);
                JsonLineWriter.WriteRounded(w, "bytes_per_vector", bytesPerVector, 1);
            });
        }

        table?.WriteFooter();
        return 0;
    }

    private ResultTable CreateTable(Dataset dataset, double buildSeconds, double bytesPerVector)
    {
        int threads = _options.Threads;
        var table = new ResultTable(_output, "ef", "recall@10", "QPS 1 thread", $"QPS {threads} thread{ResultTable.Plural(threads)}", "p50 ms", "p99 ms");
        table.WriteHeader(
            dataset,
            ("index", $"HNSW M {_options.M}, ef_construct {_options.EfConstruction}, quantization {QuantizationName}"),
            ("build", string.Create(ResultTable.Invariant, $"{buildSeconds:F2} s on {threads} thread{ResultTable.Plural(threads)}, {bytesPerVector:F1} bytes per vector")),
            ("search", string.Create(ResultTable.Invariant, $"k {_options.K}; per ef {_options.Warmup} warm-up queries, then timed passes of at least {_options.MinSeconds:0.###} s")));
        return table;
    }

    private string QuantizationName => _options.Quantization == QuantizationKind.Int8 ? "int8" : "none";

    private AnnBenchResult Measure(QueryRunner runner, Dataset dataset, int ef)
    {
        var parameters = new SearchParameters { Ef = ef };
        int queryCount = runner.QueryCount;
        runner.RunSequential(_options.Warmup, parameters, ids: null, latencies: null);

        // The first pass gives the ids for recall; more passes over the same queries follow until
        // the timed span reaches --min-seconds, so a small query set still gives a stable rate.
        var ids = new DenseMatrix<int>(queryCount, _options.K);
        var latencies = new List<double>(queryCount);
        var passLatencies = new double[queryCount];
        long sequentialTicks = 0;
        do
        {
            long start = Stopwatch.GetTimestamp();
            runner.RunSequential(queryCount, parameters, latencies.Count == 0 ? ids : null, passLatencies);
            sequentialTicks += Stopwatch.GetTimestamp() - start;
            latencies.AddRange(passLatencies);
        }
        while (sequentialTicks < _options.MinSeconds * Stopwatch.Frequency);

        long parallelQueries = 0;
        long parallelTicks = 0;
        do
        {
            long start = Stopwatch.GetTimestamp();
            runner.RunParallel(queryCount, _options.Threads, parameters);
            parallelTicks += Stopwatch.GetTimestamp() - start;
            parallelQueries += queryCount;
        }
        while (parallelTicks < _options.MinSeconds * Stopwatch.Frequency);

        double[] samples = latencies.ToArray();
        return new AnnBenchResult(
            ef,
            Recall.AtK(ids, dataset.GroundTruth, AnnBenchOptions.RecallDepth),
            samples.Length / ((double)sequentialTicks / Stopwatch.Frequency),
            parallelQueries / ((double)parallelTicks / Stopwatch.Frequency),
            LatencyStatistics.Percentile(samples, 50) / 1000,
            LatencyStatistics.Percentile(samples, 99) / 1000);
    }
}
