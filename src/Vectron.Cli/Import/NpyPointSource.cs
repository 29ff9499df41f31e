using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Vectron.Cli.Import;

/// <summary>
/// NumPy <c>.npy</c> files (format versions 1.0, 2.0 and 3.0) holding a two-dimensional C-order array
/// of float32, float64, float16, int8 or uint8 (either byte order): one point per row, ids are the row
/// numbers plus an offset.
/// </summary>
internal sealed partial class NpyPointSource : IPointSource
{
    private static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    private readonly FileStream _stream;
    private readonly string _path;
    private readonly ulong _idOffset;
    private readonly long _dataStart;
    private readonly char _kind;
    private readonly int _itemSize;
    private readonly bool _bigEndian;
    private readonly byte[] _row;

    public NpyPointSource(string path, ulong idOffset)
    {
        _path = path;
        _idOffset = idOffset;
        _stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        try
        {
            Span<byte> prefix = stackalloc byte[12];
            if (_stream.Length < 10)
            {
                throw Bad("too short for a .npy header");
            }

            _stream.ReadExactly(prefix[..8]);
            if (!prefix[..6].SequenceEqual(Magic))
            {
                throw Bad("does not start with the .npy magic string (\\x93NUMPY)");
            }

            byte major = prefix[6];
            int headerLength;
            int prefixLength;
            switch (major)
            {
                case 1:
                    _stream.ReadExactly(prefix.Slice(8, 2));
                    headerLength = BinaryPrimitives.ReadUInt16LittleEndian(prefix[8..]);
                    prefixLength = 10;
                    break;
                case 2 or 3:
                    _stream.ReadExactly(prefix.Slice(8, 4));
                    uint length = BinaryPrimitives.ReadUInt32LittleEndian(prefix[8..]);
                    if (length > 1 << 20)
                    {
                        throw Bad($"header length {length} is implausible");
                    }

                    headerLength = (int)length;
                    prefixLength = 12;
                    break;
                default:
                    throw Bad($"format version {major}.{prefix[7]} is not supported (1.0, 2.0 and 3.0 are)");
            }

            if (prefixLength + headerLength > _stream.Length)
            {
                throw Bad("the header runs past the end of the file");
            }

            byte[] headerBytes = new byte[headerLength];
            _stream.ReadExactly(headerBytes);
            string header = major == 3 ? Encoding.UTF8.GetString(headerBytes) : Encoding.Latin1.GetString(headerBytes);
            (_kind, _itemSize, _bigEndian) = ParseDescriptor(header);
            if (Regex.IsMatch(header, @"'fortran_order'\s*:\s*True"))
            {
                throw Bad("the array is in Fortran (column-major) order; save it with numpy.ascontiguousarray first");
            }

            var shape = ShapePattern().Match(header);
            if (!shape.Success)
            {
                throw Bad($"no 'shape' in the header: {header.Trim()}");
            }

            string[] dimensions = shape.Groups[1].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (dimensions.Length != 2)
            {
                throw Bad($"the array has shape ({shape.Groups[1].Value}); a two-dimensional array (points × dimension) is needed");
            }

            long rows = long.Parse(dimensions[0], CultureInfo.InvariantCulture);
            long columns = long.Parse(dimensions[1], CultureInfo.InvariantCulture);
            if (columns is <= 0 or > Vectron.Index.HnswOptions.MaxDimension)
            {
                throw Bad($"dimension {columns} is outside 1 to {Vectron.Index.HnswOptions.MaxDimension}");
            }

            Dimension = (int)columns;
            Count = rows;
            _dataStart = prefixLength + headerLength;
            long expected = _dataStart + (rows * columns * _itemSize);
            if (_stream.Length < expected)
            {
                throw Bad($"the data is truncated: shape ({rows}, {columns}) of {_itemSize}-byte items needs {expected} bytes, the file has {_stream.Length}");
            }

            _row = new byte[Dimension * _itemSize];
        }
        catch
        {
            _stream.Dispose();
            throw;
        }
    }

    public string Description => $"{_path} (npy, {Count} × {Dimension})";

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

        _stream.ReadExactly(_row);
        var vector = new float[Dimension];
        for (int i = 0; i < vector.Length; i++)
        {
            vector[i] = Component(_row.AsSpan(i * _itemSize, _itemSize));
        }

        point = new ImportPoint(_idOffset + (ulong)Position, null, vector, null);
        Position++;
        return true;
    }

    public void Skip(long count)
    {
        if (Position + count > Count)
        {
            throw new InvalidDataException($"{_path}: cannot skip to row {Position + count}: the array has {Count}");
        }

        Position += count;
        _stream.Position = _dataStart + (Position * _row.Length);
    }

    public void Dispose() => _stream.Dispose();

    private float Component(ReadOnlySpan<byte> item) => (_kind, _itemSize) switch
    {
        ('f', 4) => _bigEndian ? BinaryPrimitives.ReadSingleBigEndian(item) : BinaryPrimitives.ReadSingleLittleEndian(item),
        ('f', 8) => (float)(_bigEndian ? BinaryPrimitives.ReadDoubleBigEndian(item) : BinaryPrimitives.ReadDoubleLittleEndian(item)),
        ('f', 2) => (float)(_bigEndian ? BinaryPrimitives.ReadHalfBigEndian(item) : BinaryPrimitives.ReadHalfLittleEndian(item)),
        ('i', 1) => (sbyte)item[0],
        _ => item[0],
    };

    private (char Kind, int Size, bool BigEndian) ParseDescriptor(string header)
    {
        var match = DescriptorPattern().Match(header);
        if (!match.Success)
        {
            throw Bad($"no 'descr' in the header: {header.Trim()}");
        }

        string descriptor = match.Groups[1].Value;
        char order = descriptor[0];
        string type = descriptor[1..];
        bool bigEndian = order == '>' || (order == '=' && !BitConverter.IsLittleEndian);
        return type switch
        {
            "f4" or "f8" or "f2" when order is '<' or '>' or '=' => ('f', type[1] - '0', bigEndian),
            "i1" or "u1" when order is '|' or '<' or '>' or '=' => (type[0], 1, false),
            _ => throw Bad($"element type '{descriptor}' is not supported (float32 '<f4', float64 '<f8', float16 '<f2', int8 '|i1', uint8 '|u1' are)"),
        };
    }

    private InvalidDataException Bad(string problem) => new($"{_path}: not a usable .npy file: {problem}");

    [GeneratedRegex(@"'descr'\s*:\s*'([^']+)'")]
    private static partial Regex DescriptorPattern();

    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();
}
