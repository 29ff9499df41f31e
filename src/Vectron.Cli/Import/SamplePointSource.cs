using Vectron.Cli.Datasets;

namespace Vectron.Cli.Import;

/// <summary>
/// A generated sample instead of a file (<c>vectron import --sample N</c>): the same deterministic
/// clustered vectors <c>bench ann</c> uses (fixed seed), ids 0…N−1, and a small payload per point
/// (<c>{"group": id % 10, "sample": true}</c>) so filters can be tried at once.
/// </summary>
internal sealed class SamplePointSource : IPointSource
{
    /// <summary>The seed of every sample: the same command always imports the same points.</summary>
    public const ulong Seed = SyntheticDataset.DefaultSeed;

    private readonly DenseMatrix<float> _vectors;
    private readonly System.Text.Json.JsonElement[] _payloads;

    public SamplePointSource(int count, int dimension)
    {
        (_vectors, _) = SyntheticDataset.Generate(count, dimension, 1, Seed);
        _payloads = new System.Text.Json.JsonElement[10];
        for (int group = 0; group < _payloads.Length; group++)
        {
            using var document = System.Text.Json.JsonDocument.Parse($$"""{"group": {{group}}, "sample": true}""");
            _payloads[group] = document.RootElement.Clone();
        }
    }

    /// <summary>The name a sample has where a file would have its path (messages, checkpoint).</summary>
    public static string NameOf(int count, int dimension) => $"sample-{count}x{dimension}";

    public string Description => $"a generated sample ({_vectors.Rows} × {_vectors.Columns}, seed {Seed})";

    public int Dimension => _vectors.Columns;

    public long? Count => _vectors.Rows;

    public long Position { get; private set; }

    public double Fraction => (double)Position / _vectors.Rows;

    public bool TryRead(out ImportPoint point)
    {
        if (Position >= _vectors.Rows)
        {
            point = default;
            return false;
        }

        int row = (int)Position;
        point = new ImportPoint((ulong)row, null, _vectors.Row(row).ToArray(), _payloads[row % _payloads.Length]);
        Position++;
        return true;
    }

    public void Skip(long count)
    {
        if (Position + count > _vectors.Rows)
        {
            throw new InvalidDataException($"cannot skip to point {Position + count}: the sample has {_vectors.Rows}");
        }

        Position += count;
    }

    public void Dispose()
    {
    }
}
