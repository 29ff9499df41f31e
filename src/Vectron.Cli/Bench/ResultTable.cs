using System.Globalization;
using System.Text;
using Vectron.Cli.Datasets;

namespace Vectron.Cli.Bench;

/// <summary>
/// The human-readable form of the bench commands: a short header (the dataset, then lines the
/// command gives), then one aligned row per measurement as it is made, then optional notes.
/// </summary>
internal sealed class ResultTable
{
    private const int LabelWidth = 10;
    private const int MinimumColumnWidth = 9;

    private readonly TextWriter _output;
    private readonly string[] _headings;
    private readonly int[] _widths;

    public ResultTable(TextWriter output, params string[] headings)
    {
        _output = output;
        _headings = headings;
        _widths = new int[headings.Length];
        for (int i = 0; i < headings.Length; i++)
        {
            _widths[i] = Math.Max(headings[i].Length, MinimumColumnWidth);
        }
    }

    /// <summary>Invariant culture, for the cells and header lines the commands format.</summary>
    public static CultureInfo Invariant => CultureInfo.InvariantCulture;

    /// <summary>"s" when <paramref name="count"/> is not one, for "1 thread" and "2 threads".</summary>
    public static string Plural(int count) => count == 1 ? string.Empty : "s";

    /// <summary>Writes the dataset line, then each labelled line, a blank line, the headings and a rule under them.</summary>
    public void WriteHeader(Dataset dataset, params (string Label, string Text)[] lines)
    {
        string source = dataset.Seed is ulong seed
            ? string.Create(Invariant, $"synthetic Gaussian mixture (seed {seed})")
            : dataset.Name;
        WriteLabelled("dataset", string.Create(Invariant,
            $"{source}: {dataset.Base.Rows:N0} vectors x {dataset.Dimension} dims, {dataset.Queries.Rows:N0} queries, {MetricNames.Format(dataset.Metric)}"));
        foreach ((string label, string text) in lines)
        {
            WriteLabelled(label, text);
        }

        _output.WriteLine();
        WriteCells(_headings);
        var rule = new string[_headings.Length];
        for (int i = 0; i < rule.Length; i++)
        {
            rule[i] = new string('-', _widths[i]);
        }

        WriteCells(rule);
    }

    /// <summary>Writes one row; a cell wider than its column widens that row only.</summary>
    public void WriteRow(params string[] cells) => WriteCells(cells);

    /// <summary>Writes a blank line, then a line of text under the table.</summary>
    public void WriteNote(string text)
    {
        _output.WriteLine();
        _output.WriteLine(text);
        _output.Flush();
    }

    public void WriteFooter() => _output.Flush();

    private void WriteLabelled(string label, string text) => _output.WriteLine(label.PadRight(LabelWidth) + text);

    private void WriteCells(string[] cells)
    {
        var line = new StringBuilder();
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
