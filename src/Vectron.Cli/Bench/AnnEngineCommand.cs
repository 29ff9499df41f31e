using System.Diagnostics;
using Vectron.Cli.CommandLine;
using Vectron.Cli.Datasets;
using Vectron.Index;

namespace Vectron.Cli.Bench;

/// <summary>
/// <c>vectron bench ann-engine</c>: the engine side of the peers harness protocol
/// (<c>shared/bench/peers/README.md</c>, "Engine protocol"; <c>engines/hnswlib_cli.cpp</c> is the
/// reference). Loads the base and query files, builds, prints a <c>build</c> line, then per sweep
/// value (ef) a <c>sequential</c> line with per-query latencies and one <c>batch</c> line per search
/// thread count, and writes <c>ids_&lt;ef&gt;.ivecs</c> from the sequential pass.
/// </summary>
/// <remarks>Standard output carries only the JSON lines; progress goes to the diagnostics writer.</remarks>
internal sealed class AnnEngineCommand
{
    private readonly AnnEngineOptions _options;
    private readonly JsonLineWriter _output;
    private readonly TextWriter _diagnostics;

    public AnnEngineCommand(AnnEngineOptions options, TextWriter output, TextWriter diagnostics)
    {
        _options = options;
        _output = new JsonLineWriter(output);
        _diagnostics = diagnostics;
    }

    /// <summary>Runs the protocol; returns the exit code.</summary>
    /// <exception cref="CliException">An input file is missing, malformed or inconsistent.</exception>
    public int Run()
    {
        DenseMatrix<float> vectors = LoadVectors(_options.BasePath, "--base");
        DenseMatrix<float> queries = LoadVectors(_options.QueryPath, "--query");
        if (queries.Columns != vectors.Columns)
        {
            throw new CliException($"dimensions do not match: --base has {vectors.Columns}, --query has {queries.Columns}.");
        }

        Directory.CreateDirectory(_options.OutDirectory);
        HnswOptions indexOptions = _options.IndexOptions(vectors.Columns);
        int buildThreads = _options.BuildThreads;
        _diagnostics.WriteLine($"vectron ann-engine: {vectors.Rows} x {vectors.Columns} base, {queries.Rows} queries, {MetricNames.Format(_options.Metric)}, " +
            $"M {indexOptions.M}, ef_construction {indexOptions.EfConstruction}, {_options.Parameters.QuantizationName}");

        IndexBuilder.WarmUp(vectors, indexOptions, buildThreads);
        double? buildSingleSeconds = null;
        if (_options.BuildSingleThreaded && buildThreads != 1)
        {
            using HnswIndex single = IndexBuilder.Build(vectors, indexOptions, 1, out double seconds);
            buildSingleSeconds = seconds;
            _diagnostics.WriteLine($"single-thread build: {seconds:F3} s");
        }

        ProcessMemory.CollectGarbage();
        long? rssBefore = ProcessMemory.ResidentKilobytes();
        using HnswIndex index = IndexBuilder.Build(vectors, indexOptions, buildThreads, out double buildSeconds);
        if (buildThreads == 1)
        {
            buildSingleSeconds = buildSeconds;
        }

        long? rssAfter = ProcessMemory.ResidentKilobytes();
        long indexBytes = MeasureSavedSize(index);
        _diagnostics.WriteLine($"build on {buildThreads} threads: {buildSeconds:F3} s, index file {indexBytes} bytes");

        _output.WriteLine(w =>
        {
            w.WriteString("event", "build");
            w.WriteString("engine", "vectron-" + _options.Parameters.QuantizationName);
            w.WriteString("version", CliApplication.Version);
            w.WriteNumber("n", vectors.Rows);
            w.WriteNumber("dim", vectors.Columns);
            w.WriteNumber("build_threads", buildThreads);
            JsonLineWriter.WriteRounded(w, "build_s", buildSeconds, 6);
            if (buildSingleSeconds is double single)
            {
                JsonLineWriter.WriteRounded(w, "build_1t_s", single, 6);
            }
            else
            {
                w.WriteNull("build_1t_s");
            }

            JsonLineWriter.WriteOptional(w, "rss_before_build_kb", rssBefore);
            JsonLineWriter.WriteOptional(w, "rss_after_build_kb", rssAfter);
            w.WriteNumber("index_bytes", indexBytes);
        });

        using var searcher = new QueryRunner(index, queries, _options.K);
        JitWarmup.Run(searcher, _options.K, _options.Sweep, _options.SearchThreads.Max(), _options.JitWarmupSeconds, _diagnostics);
        // Every timed pass first, the output after: writing a line of 1,000 latencies and an ids file
        // per ef made the JSON and file code hot between passes, and the runtime then compiled it
        // (tens of methods, 10-70 ms of JIT) in the background during a later timed pass.
        var results = new List<SweepResult>(_options.Sweep.Length);
        foreach (int ef in _options.Sweep)
        {
            results.Add(RunSweepValue(searcher, ef));
        }

        foreach (SweepResult result in results)
        {
            WriteSweepValue(result);
        }

        return 0;
    }

    private SweepResult RunSweepValue(QueryRunner searcher, int ef)
    {
        var parameters = new SearchParameters { Ef = ef };
        int queryCount = searcher.QueryCount;
        int warmup = Math.Min(_options.Warmup, queryCount);
        searcher.RunSequential(warmup, parameters, ids: null, latencies: null);

        var ids = new DenseMatrix<int>(queryCount, _options.K);
        var latencies = new double[queryCount];
        var disturbances = PassDisturbances.Start();
        long start = Stopwatch.GetTimestamp();
        searcher.RunSequential(queryCount, parameters, ids, latencies);
        double wall = Stopwatch.GetElapsedTime(start).TotalSeconds;
        _diagnostics.WriteLine($"ef {ef}: sequential pass {wall * 1e3:F2} ms; {disturbances.Describe()}");

        var batches = new double[_options.SearchThreads.Length];
        for (int i = 0; i < batches.Length; i++)
        {
            int threads = _options.SearchThreads[i];
            searcher.RunParallel(warmup, threads, parameters);
            long batchStart = Stopwatch.GetTimestamp();
            searcher.RunParallel(queryCount, threads, parameters);
            batches[i] = Stopwatch.GetElapsedTime(batchStart).TotalSeconds;
        }

        return new SweepResult(ef, wall, latencies, ids, batches);
    }

    private void WriteSweepValue(SweepResult result)
    {
        TexmexFormat.WriteIvecs(Path.Combine(_options.OutDirectory, $"ids_{result.Ef}.ivecs"), result.Ids);
        _output.WriteLine(w =>
        {
            w.WriteString("event", "search");
            w.WriteNumber("sweep", result.Ef);
            w.WriteNumber("threads", 1);
            w.WriteString("mode", "sequential");
            w.WriteNumber("n", result.Ids.Rows);
            JsonLineWriter.WriteRounded(w, "wall_s", result.Wall, 6);
            w.WriteStartArray("lat_us");
            foreach (double microseconds in result.Latencies)
            {
                w.WriteNumberValue(Math.Round(microseconds, 2));
            }

            w.WriteEndArray();
        });

        for (int i = 0; i < result.BatchWalls.Length; i++)
        {
            int threads = _options.SearchThreads[i];
            double batchWall = result.BatchWalls[i];
            _output.WriteLine(w =>
            {
                w.WriteString("event", "search");
                w.WriteNumber("sweep", result.Ef);
                w.WriteNumber("threads", threads);
                w.WriteString("mode", "batch");
                w.WriteNumber("n", result.Ids.Rows);
                JsonLineWriter.WriteRounded(w, "wall_s", batchWall, 6);
            });
        }
    }

    /// <summary>One sweep value's measurements, kept until every timed pass has run.</summary>
    private sealed record SweepResult(int Ef, double Wall, double[] Latencies, DenseMatrix<int> Ids, double[] BatchWalls);

    private long MeasureSavedSize(HnswIndex index)
    {
        string path = Path.Combine(_options.OutDirectory, $"vectron-index-{Environment.ProcessId}.tmp");
        try
        {
            using (var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
            {
                index.Save(stream);
            }

            return new FileInfo(path).Length;
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static DenseMatrix<float> LoadVectors(string path, string option)
    {
        if (!File.Exists(path))
        {
            throw new CliException($"{option}: file '{path}' does not exist.");
        }

        DenseMatrix<float> matrix;
        try
        {
            matrix = TexmexFormat.ReadVectors(path);
        }
        catch (InvalidDataException e)
        {
            throw new CliException($"{option}: {e.Message}", e);
        }

        if (matrix.Rows == 0)
        {
            throw new CliException($"{option}: '{path}' holds no vectors.");
        }

        VectorChecks.RequireFinite(matrix, path);
        return matrix;
    }
}
