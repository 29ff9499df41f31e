namespace Vectron.Cli.Client;

/// <summary>A plain aligned text table: headings, a rule, then rows; columns as wide as their widest cell.</summary>
internal sealed class TextTable
{
    private readonly string[] _headings;
    private readonly List<string[]> _rows = [];

    public TextTable(params string[] headings) => _headings = headings;

    /// <summary>Adds a row (one cell per heading).</summary>
    public void Add(params string[] cells)
    {
        if (cells.Length != _headings.Length)
        {
            throw new ArgumentException($"expected {_headings.Length} cells, got {cells.Length}", nameof(cells));
        }

        _rows.Add(cells);
    }

    /// <summary>Writes the table.</summary>
    public void WriteTo(TextWriter output)
    {
        var widths = new int[_headings.Length];
        for (int column = 0; column < widths.Length; column++)
        {
            widths[column] = _headings[column].Length;
            foreach (string[] row in _rows)
            {
                widths[column] = Math.Max(widths[column], row[column].Length);
            }
        }

        WriteRow(output, _headings, widths);
        WriteRow(output, widths.Select(width => new string('-', width)).ToArray(), widths);
        foreach (string[] row in _rows)
        {
            WriteRow(output, row, widths);
        }
    }

    private static void WriteRow(TextWriter output, string[] cells, int[] widths)
    {
        for (int column = 0; column < cells.Length; column++)
        {
            bool last = column == cells.Length - 1;
            output.Write(last ? cells[column] : cells[column].PadRight(widths[column] + 2));
        }

        output.WriteLine();
    }
}
