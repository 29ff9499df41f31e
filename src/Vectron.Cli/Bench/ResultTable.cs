using System.Globalization;
using Vectron.Cli.Datasets;

namespace Vectron.Cli.Bench;

/// <summary>The human-readable form of <c>vectron bench ann</c>: a short header, then one aligned row per ef as it is measured.</summary>
internal sealed class ResultTable
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    private readonly TextWriter _output;
    private readonly string[] _headings;
    private readonly int[] _widths;

    public ResultTable(TextWriter output, int threads)
    {
        _output = output;
        _headings = ["ef", "recall@10", "QPS 1 thread", $"QPS {threads} thread{(threads == 1 ? string.Empty : "s")}", "p50 ms", "p99 ms"];
        _widths = new int[_headings.Length];
        for (int i = 0; i < _headings.Length; i++)
        {
            _widths[i] = Math.Max(_headings[i].Length, 9);
        }
    }

    public void WriteHeader(Dataset dataset, AnnBenchOptions options, double buildSeconds, double bytesPerVector)
    {
        string source = dataset.Seed is ulong seed
            ? string.Create(Invariant, $"synthetic Gaussian mixture (seed {seed})")
            : dataset.Name;
        _output.WriteLine(string.Create(Invariant,
            $"dataset   {source}: {dataset.Base.Rows:N0} vectors x {dataset.Dimension} dims, {dataset.Queries.Rows:N0} queries, {MetricNames.Format(dataset.Metric)}"));
        _output.WriteLine(string.Create(Invariant,
            $"index     HNSW M {options.M}, ef_construct {options.EfConstruction}, quantization {(options.Quantization == Vectron.Index.QuantizationKind.Int8 ? "int8" : "none")}"));
        _output.WriteLine(string.Create(Invariant,
            $"build     {buildSeconds:F2} s on {options.Threads} thread{(options.Threads == 1 ? string.Empty : "s")}, {bytesPerVector:F1} bytes per vector"));
        _output.WriteLine(string.Create(Invariant, $"search    k {options.K}; per ef {options.Warmup} warm-up queries, then timed passes of at least {options.MinSeconds:0.###} s"));
        _output.WriteLine();
        WriteCells(_headings);
        var rule = new string[_headings.Length];
        for (int i = 0; i < rule.Length; i++)
        {
            rule[i] = new string('-', _widths[i]);
        }

        WriteCells(rule);
    }

    public void WriteRow(AnnBenchResult result)
    {
        WriteCells(
        [
            result.Ef.ToString(Invariant),
            result.RecallAt10.ToString("F4", Invariant),
            result.QueriesPerSecondSingle.ToString("N0", Invariant),
            result.QueriesPerSecondParallel.ToString("N0", Invariant),
            result.P50Milliseconds.ToString("F3", Invariant),
            result.P99Milliseconds.ToString("F3", Invariant),
        ]);
    }

    public void WriteFooter() => _output.Flush();

    private void WriteCells(string[] cells)
    {
        var line = new System.Text.StringBuilder();
        for (int i = 0; i < cells.Length; i++)
        {
            if (i > 0)
            {
                line.Append("  ");
            }

            line.Append(cells[i].PadLeft(_widths[i]));
        }

        _output.WriteLine(line.ToString());
        _output.Flush();
    }
}
