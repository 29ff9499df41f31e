using System.Buffers.Binary;

namespace Vectron.Cli.Import;

/// <summary>
/// <c>.fvecs</c> / <c>.bvecs</c> files (texmex corpus format: each record is a little-endian int32
/// dimension followed by that many float32 or byte components). Ids are the record numbers plus an
/// offset. Every record must have the first record's dimension.
/// </summary>
internal sealed class TexmexPointSource : IPointSource
{
    private readonly FileStream _stream;
    private readonly string _path;
    private readonly bool _bytes;
    private readonly ulong _idOffset;
    private readonly int _recordBytes;
    private readonly byte[] _record;

    public TexmexPointSource(string path, bool bytes, ulong idOffset)
    {
        _path = path;
        _bytes = bytes;
        _idOffset = idOffset;
        _stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        try
        {
            Span<byte> header = stackalloc byte[4];
            if (_stream.Length == 0)
            {
                throw new InvalidDataException($"{path}: the file is empty");
            }

            _stream.ReadExactly(header);
            int dimension = BinaryPrimitives.ReadInt32LittleEndian(header);
            if (dimension is <= 0 or > Vectron.Index.HnswOptions.MaxDimension)
            {
                throw new InvalidDataException($"{path}: record 0 declares dimension {dimension} (expected 1 to {Vectron.Index.HnswOptions.MaxDimension}); is this a {(bytes ? ".bvecs" : ".fvecs")} file?");
            }

            Dimension = dimension;
            _recordBytes = 4 + (dimension * (bytes ? 1 : 4));
            if (_stream.Length % _recordBytes != 0)
            {
                throw new InvalidDataException($"{path}: {_stream.Length} bytes is not a whole number of {_recordBytes}-byte records of dimension {dimension} (truncated file?)");
            }

            Count = _stream.Length / _recordBytes;
            _record = new byte[_recordBytes];
            _stream.Position = 0;
        }
        catch
        {
            _stream.Dispose();
            throw;
        }
    }

    public string Description => $"{_path} ({(_bytes ? "bvecs" : "fvecs")}, {Count} × {Dimension})";

    public int Dimension { get; }

    public long? Count { get; }

    public long Position { get; private set; }

    public double Fraction => Count is > 0 ? (double)Position / Count.Value : 1;

    public bool TryRead(out ImportPoint point)
    {
        if (Position >= Count)
        {
            point = default;
            return false;
        }

        _stream.ReadExactly(_record);
        int dimension = BinaryPrimitives.ReadInt32LittleEndian(_record);
        if (dimension != Dimension)
        {
            throw new InvalidDataException($"{_path}: record {Position} declares dimension {dimension}, the file's first record {Dimension}");
        }

        var vector = new float[Dimension];
        ReadOnlySpan<byte> components = _record.AsSpan(4);
        if (_bytes)
        {
            for (int i = 0; i < vector.Length; i++)
            {
                vector[i] = components[i];
            }
        }
        else
        {
            for (int i = 0; i < vector.Length; i++)
            {
                vector[i] = BinaryPrimitives.ReadSingleLittleEndian(components[(i * 4)..]);
            }
        }

        point = new ImportPoint(_idOffset + (ulong)Position, null, vector, null);
        Position++;
        return true;
    }

    public void Skip(long count)
    {
        if (Position + count > Count)
        {
            throw new InvalidDataException($"{_path}: cannot skip to point {Position + count}: the file holds {Count}");
        }

        Position += count;
        _stream.Position = Position * _recordBytes;
    }

    public void Dispose() => _stream.Dispose();
}
