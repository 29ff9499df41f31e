namespace Vectron.Cli.Datasets;

/// <summary>A row-major matrix of fixed-width records: vectors (float) or neighbour lists (int).</summary>
/// <typeparam name="T">The element type.</typeparam>
internal sealed class DenseMatrix<T>
    where T : unmanaged
{
    public DenseMatrix(int rows, int columns)
        : this(rows, columns, new T[checked(rows * columns)])
    {
    }

    public DenseMatrix(int rows, int columns, T[] data)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(columns);
        ArgumentNullException.ThrowIfNull(data);
        if (data.Length != (long)rows * columns)
        {
            throw new ArgumentException($"Expected {rows} x {columns} values, got {data.Length}.", nameof(data));
        }

        Rows = rows;
        Columns = columns;
        Data = data;
    }

    /// <summary>Number of records.</summary>
    public int Rows { get; }

    /// <summary>Values per record.</summary>
    public int Columns { get; }

    /// <summary>All values, record after record.</summary>
    public T[] Data { get; }

    /// <summary>The values of record <paramref name="row"/>.</summary>
    public Span<T> Row(int row) => Data.AsSpan(row * Columns, Columns);

    /// <summary>A copy of the first <paramref name="rows"/> records (this matrix itself when it has no more).</summary>
    public DenseMatrix<T> Take(int rows)
    {
        if (rows >= Rows)
        {
            return this;
        }

        return new DenseMatrix<T>(rows, Columns, Data.AsSpan(0, rows * Columns).ToArray());
    }
}
