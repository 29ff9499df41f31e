using System.Diagnostics;
using System.Text.Json;
using Vectron.Cli.Datasets;
using Vectron.Index;

namespace Vectron.Cli.Bench;

/// <summary>
/// <c>vectron bench filter</c>: builds a float32 index once, then per selectivity times, one thread
/// and one query at a time, a filtered search three ways: kept on the graph, as an exact scan of
/// the admitted points, and as the planner chooses (<see cref="HnswOptions.FlatSearchThreshold"/>).
/// Prints one JSON object per selectivity and a last <c>crossover</c> object, or a table with
/// <c>--table</c>: the measurement behind the threshold.
/// </summary>
internal sealed class FilterBenchCommand
{
    private readonly FilterBenchOptions _options;
    private readonly TextWriter _output;
    private readonly TextWriter _diagnostics;

    public FilterBenchCommand(FilterBenchOptions options, TextWriter output, TextWriter diagnostics)
    {
        _options = options;
        _output = output;
        _diagnostics = diagnostics;
    }

    /// <summary>Runs the benchmark; returns the exit code.</summary>
    public int Run()
    {
        // Recall here is against the exact scan of the admitted points: a folder's own (unfiltered)
        // ground truth is only checked for consistency, never used.
        Dataset dataset = _options.Data.Load(minimumNeighbours: 1, _options.Threads, _diagnostics);
        HnswOptions indexOptions = _options.IndexOptions(dataset.Dimension, dataset.Metric);
        _diagnostics.WriteLine($"building: {dataset.Base.Rows} vectors, M {_options.M}, ef_construct {_options.EfConstruction}, float32, {_options.Threads} threads ...");
        IndexBuilder.WarmUp(dataset.Base, indexOptions, _options.Threads);
        using HnswIndex index = IndexBuilder.Build(dataset.Base, indexOptions, _options.Threads, out double buildSeconds);

        ResultTable? table = _options.Table ? CreateTable(dataset, indexOptions, buildSeconds) : null;
        var json = table is null ? new JsonLineWriter(_output) : null;
        using var runner = new QueryRunner(index, dataset.Queries, _options.K);
        JitWarmup.Run(runner, _options.K, WarmupRounds(dataset.Base.Rows), _options.Threads, _options.JitWarmupSeconds, _diagnostics);
        ulong[] scanOrder = ScanOrderProbe.RecordScanOrder(index, dataset.Queries.Row(0));

        var results = new List<FilterBenchResult>(_options.Selectivities.Length);
        foreach (double selectivity in _options.Selectivities)
        {
            FilterBenchResult result = Measure(runner, scanOrder, dataset.Base.Rows, selectivity);
            results.Add(result);
            table?.WriteRow(
                result.Selectivity.ToString("0.######", ResultTable.Invariant),
                result.Admitted.ToString("N0", ResultTable.Invariant),
                result.QueriesPerSecondGraph.ToString("N0", ResultTable.Invariant),
                result.QueriesPerSecondExact.ToString("N0", ResultTable.Invariant),
                result.QueriesPerSecondPlanner.ToString("N0", ResultTable.Invariant),
                result.PlannerPath,
                FormatRecall(result.RecallGraph),
                FormatRecall(result.RecallPlanner));
            json?.WriteLine(w =>
            {
                w.WriteString("event", "selectivity");
                WriteRunProperties(w, dataset, indexOptions);
                JsonLineWriter.WriteRounded(w, "selectivity", result.Selectivity, 6);
                w.WriteNumber("admitted", result.Admitted);
                JsonLineWriter.WriteRounded(w, "qps_graph", result.QueriesPerSecondGraph, 1);
                JsonLineWriter.WriteRounded(w, "qps_exact", result.QueriesPerSecondExact, 1);
                JsonLineWriter.WriteRounded(w, "qps_planner", result.QueriesPerSecondPlanner, 1);
                w.WriteString("planner_path", result.PlannerPath);
                JsonLineWriter.WriteRounded(w, "recall_graph", result.RecallGraph, 4);
                JsonLineWriter.WriteRounded(w, "recall_planner", result.RecallPlanner, 4);
                JsonLineWriter.WriteRounded(w, "build_seconds", buildSeconds, 3);
            });
        }

        FilterCrossover crossover = FilterCrossover.Find(results);
        table?.WriteNote(DescribeCrossover(crossover, dataset.Base.Rows, indexOptions.FlatSearchThreshold));
        json?.WriteLine(w =>
        {
            w.WriteString("event", "crossover");
            WriteRunProperties(w, dataset, indexOptions);
            JsonLineWriter.WriteRounded(w, "exact_faster_selectivity", crossover.ExactFaster?.Selectivity ?? double.NaN, 6);
            JsonLineWriter.WriteOptional(w, "exact_faster_admitted", crossover.ExactFaster?.Admitted);
            JsonLineWriter.WriteRounded(w, "graph_faster_selectivity", crossover.GraphFaster?.Selectivity ?? double.NaN, 6);
            JsonLineWriter.WriteOptional(w, "graph_faster_admitted", crossover.GraphFaster?.Admitted);
            JsonLineWriter.WriteRounded(w, "estimated_admitted", crossover.EstimatedAdmitted ?? double.NaN, 0);
            JsonLineWriter.WriteRounded(w, "estimated_selectivity", (crossover.EstimatedAdmitted ?? double.NaN) / dataset.Base.Rows, 6);
        });
        table?.WriteFooter();
        return 0;
    }

    private FilterBenchResult Measure(QueryRunner runner, ulong[] scanOrder, int keys, double selectivity)
    {
        long admitted = new KeyHashFilter(selectivity, reportedCount: null).CountAdmitted(keys);
        var counted = new KeyHashFilter(selectivity, admitted);
        var exact = new SearchParameters { Ef = _options.Ef, Exact = true, Filter = counted };
        var graph = new SearchParameters { Ef = _options.Ef, Filter = new KeyHashFilter(selectivity, long.MaxValue) };
        var planner = new SearchParameters { Ef = _options.Ef, Filter = counted };
        int queries = runner.QueryCount;
        long start = Stopwatch.GetTimestamp();

        // First an untimed pass per path, recording the ids (and warming the caches). The exact
        // scan's ids are the ground truth: exact search over the admitted points. The planner's pass
        // goes through the probe, which sees which path it took.
        var truth = new DenseMatrix<int>(queries, _options.K);
        runner.RunSequential(queries, exact, truth, latencies: null);
        var graphIds = new DenseMatrix<int>(queries, _options.K);
        runner.RunSequential(queries, graph, graphIds, latencies: null);
        var probe = new ScanOrderProbe(counted, scanOrder);
        var plannerIds = new DenseMatrix<int>(queries, _options.K);
        runner.RunSequential(queries, planner with { Filter = probe }, plannerIds, latencies: null);

        var disturbances = PassDisturbances.Start();
        double[] rates = TimedRates(runner, exact, graph, planner);
        _diagnostics.WriteLine($"selectivity {selectivity}: {admitted} admitted, measured in {Stopwatch.GetElapsedTime(start).TotalSeconds:F2} s; " +
            $"timed passes {disturbances.Describe()}");
        return new FilterBenchResult(
            selectivity,
            admitted,
            rates[1],
            rates[0],
            rates[2],
            probe.AllExactScans(queries),
            Recall.AtK(graphIds, truth, _options.K),
            Recall.AtK(plannerIds, truth, _options.K));
    }

    /// <summary>
    /// Queries per second of each setting, one thread, one query at a time. Passes over the query set
    /// take turns, so a change in the machine's load falls on every setting alike; each setting
    /// runs passes until they add up to --min-seconds (at least one).
    /// </summary>
    private double[] TimedRates(QueryRunner runner, params SearchParameters[] settings)
    {
        int queries = runner.QueryCount;
        double minimumTicks = _options.MinSeconds * Stopwatch.Frequency;
        var ticks = new long[settings.Length];
        var passes = new int[settings.Length];
        bool more;
        do
        {
            more = false;
            for (int i = 0; i < settings.Length; i++)
            {
                if (passes[i] > 0 && ticks[i] >= minimumTicks)
                {
                    continue;
                }

                long start = Stopwatch.GetTimestamp();
                runner.RunSequential(queries, settings[i], ids: null, latencies: null);
                ticks[i] += Stopwatch.GetTimestamp() - start;
                passes[i]++;
                more |= ticks[i] < minimumTicks;
            }
        }
        while (more);

        var rates = new double[settings.Length];
        for (int i = 0; i < rates.Length; i++)
        {
            rates[i] = passes[i] * (double)queries / ((double)ticks[i] / Stopwatch.Frequency);
        }

        return rates;
    }

    /// <summary>
    /// The settings the JIT warm-up cycles through: both paths, each where it is cheapest (the graph
    /// at the largest selectivity, the scan at the smallest), and the planner at both ends.
    /// </summary>
    private SearchParameters[] WarmupRounds(int keys)
    {
        double smallest = _options.Selectivities[0];
        double largest = _options.Selectivities[^1];
        var small = new KeyHashFilter(smallest, new KeyHashFilter(smallest, null).CountAdmitted(keys));
        var large = new KeyHashFilter(largest, new KeyHashFilter(largest, null).CountAdmitted(keys));
        return
        [
            new SearchParameters { Ef = _options.Ef, Filter = new KeyHashFilter(largest, long.MaxValue) },
            new SearchParameters { Ef = _options.Ef, Exact = true, Filter = small },
            new SearchParameters { Ef = _options.Ef, Filter = small },
            new SearchParameters { Ef = _options.Ef, Filter = large },
        ];
    }

    private void WriteRunProperties(Utf8JsonWriter writer, Dataset dataset, HnswOptions indexOptions)
    {
        JsonLineWriter.WriteDataset(writer, dataset);
        writer.WriteNumber("m", _options.M);
        writer.WriteNumber("ef_construct", _options.EfConstruction);
        writer.WriteNumber("ef", _options.Ef);
        writer.WriteNumber("k", _options.K);
        writer.WriteNumber("flat_search_threshold", indexOptions.FlatSearchThreshold);
    }

    private ResultTable CreateTable(Dataset dataset, HnswOptions indexOptions, double buildSeconds)
    {
        var table = new ResultTable(_output, "selectivity", "admitted", "QPS graph", "QPS exact", "QPS planner", "planner", "recall graph", "recall planner");
        table.WriteHeader(
            dataset,
            ("index", string.Create(ResultTable.Invariant, $"HNSW M {_options.M}, ef_construct {_options.EfConstruction}, float32, FlatSearchThreshold {indexOptions.FlatSearchThreshold:N0}")),
            ("build", string.Create(ResultTable.Invariant, $"{buildSeconds:F2} s on {_options.Threads} thread{ResultTable.Plural(_options.Threads)}")),
            ("search", string.Create(ResultTable.Invariant, $"k {_options.K}, ef {_options.Ef}, one thread, one query at a time; per path an untimed pass, then timed passes of at least {_options.MinSeconds:0.###} s")),
            ("filter", "keys whose SplitMix64 hash mod 1,000,000 < selectivity x 1,000,000; recall@k against the exact scan of them"));
        return table;
    }

    private static string FormatRecall(double recall) => double.IsFinite(recall) ? recall.ToString("F4", ResultTable.Invariant) : "-";

    private static string DescribeCrossover(FilterCrossover crossover, int count, int threshold)
    {
        string exact = crossover.ExactFaster is { } e
            ? string.Create(ResultTable.Invariant, $"exact scan at least as fast up to selectivity {e.Selectivity:0.######} ({e.Admitted:N0} admitted)")
            : "graph faster at every selectivity measured";
        string graph = crossover.GraphFaster is { } g
            ? string.Create(ResultTable.Invariant, $"graph faster from {g.Selectivity:0.######} ({g.Admitted:N0} admitted) on")
            : "the exact scan still at least as fast at the largest selectivity";
        string estimate = crossover.EstimatedAdmitted is double a
            ? string.Create(ResultTable.Invariant, $"; equal at about {a:N0} admitted (selectivity {a / count:0.####})")
            : string.Empty;
        return string.Create(ResultTable.Invariant, $"crossover: {exact}; {graph}{estimate}. FlatSearchThreshold is {threshold:N0}.");
    }
}
