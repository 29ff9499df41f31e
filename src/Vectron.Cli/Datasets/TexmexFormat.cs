using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Vectron.Cli.Datasets;

/// <summary>
/// Readers and writers of the texmex vector files: every record is a little-endian int32 dimension
/// followed by that many values, float32 (<c>.fvecs</c>), int32 (<c>.ivecs</c>) or uint8 (<c>.bvecs</c>).
/// Every record of a file must have the same dimension.
/// </summary>
/// <remarks>Malformed files (truncated, a bad or changing dimension) raise <see cref="InvalidDataException"/> naming the file and the record.</remarks>
internal static class TexmexFormat
{
    /// <summary>Largest dimension accepted in a header; anything larger means the file is not a texmex file.</summary>
    public const int MaxDimension = 1 << 20;

    /// <summary>Reads a <c>.fvecs</c> or <c>.bvecs</c> file (uint8 values become float32), chosen by extension.</summary>
    public static DenseMatrix<float> ReadVectors(string path)
    {
        string extension = Path.GetExtension(path);
        if (extension.Equals(".fvecs", StringComparison.OrdinalIgnoreCase))
        {
            return ReadFvecs(path);
        }

        if (extension.Equals(".bvecs", StringComparison.OrdinalIgnoreCase))
        {
            return ReadBvecs(path);
        }

        throw new InvalidDataException($"{path}: unsupported vector file type '{extension}'; expected .fvecs or .bvecs.");
    }

    /// <summary>Reads float32 vectors.</summary>
    public static DenseMatrix<float> ReadFvecs(string path) => Read<float>(path);

    /// <summary>Reads int32 records (ground-truth neighbour ids).</summary>
    public static DenseMatrix<int> ReadIvecs(string path) => Read<int>(path);

    /// <summary>Reads uint8 vectors and widens them to float32 (the values stay exact).</summary>
    public static DenseMatrix<float> ReadBvecs(string path)
    {
        DenseMatrix<byte> bytes = Read<byte>(path);
        var values = new float[bytes.Data.Length];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = bytes.Data[i];
        }

        return new DenseMatrix<float>(bytes.Rows, bytes.Columns, values);
    }

    /// <summary>Writes float32 vectors.</summary>
    public static void WriteFvecs(string path, DenseMatrix<float> matrix) => Write(path, matrix);

    /// <summary>Writes int32 records.</summary>
    public static void WriteIvecs(string path, DenseMatrix<int> matrix) => Write(path, matrix);

    /// <summary>Writes uint8 vectors.</summary>
    public static void WriteBvecs(string path, DenseMatrix<byte> matrix) => Write(path, matrix);

    private static DenseMatrix<T> Read<T>(string path)
        where T : unmanaged
    {
        int elementSize = Marshal.SizeOf<T>();
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        long length = stream.Length;
        if (length == 0)
        {
            return new DenseMatrix<T>(0, 0);
        }

        Span<byte> header = stackalloc byte[sizeof(int)];
        if (length < sizeof(int))
        {
            throw new InvalidDataException($"{path}: truncated: {length} bytes is shorter than one record header.");
        }

        stream.ReadExactly(header);
        int dimension = BinaryPrimitives.ReadInt32LittleEndian(header);
        if (dimension is < 1 or > MaxDimension)
        {
            throw new InvalidDataException($"{path}: the first record has dimension {dimension}; expected 1 to {MaxDimension} (is it a texmex {Path.GetExtension(path)} file?).");
        }

        long recordBytes = sizeof(int) + ((long)dimension * elementSize);
        if (length % recordBytes != 0)
        {
            throw new InvalidDataException(
                $"{path}: truncated or corrupt: {length} bytes is not a whole number of {recordBytes}-byte records " +
                $"(dimension {dimension}); {length / recordBytes} complete records and {length % recordBytes} bytes left over.");
        }

        long rows = length / recordBytes;
        if (rows * dimension > Array.MaxLength)
        {
            throw new InvalidDataException($"{path}: {rows} x {dimension} values are more than one array can hold.");
        }

        var data = new T[rows * dimension];
        for (int row = 0; row < rows; row++)
        {
            if (row > 0)
            {
                stream.ReadExactly(header);
                int recordDimension = BinaryPrimitives.ReadInt32LittleEndian(header);
                if (recordDimension != dimension)
                {
                    throw new InvalidDataException($"{path}: record {row} has dimension {recordDimension}, but the first record has {dimension}.");
                }
            }

            stream.ReadExactly(MemoryMarshal.AsBytes(data.AsSpan(row * dimension, dimension)));
        }

        if (!BitConverter.IsLittleEndian && elementSize == sizeof(int))
        {
            Span<int> words = MemoryMarshal.Cast<T, int>(data.AsSpan());
            BinaryPrimitives.ReverseEndianness(words, words);
        }

        return new DenseMatrix<T>((int)rows, dimension, data);
    }

    private static void Write<T>(string path, DenseMatrix<T> matrix)
        where T : unmanaged
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        Span<byte> header = stackalloc byte[sizeof(int)];
        BinaryPrimitives.WriteInt32LittleEndian(header, matrix.Columns);
        int elementSize = Marshal.SizeOf<T>();
        T[]? swapped = !BitConverter.IsLittleEndian && elementSize == sizeof(int) ? new T[matrix.Columns] : null;
        for (int row = 0; row < matrix.Rows; row++)
        {
            stream.Write(header);
            ReadOnlySpan<T> values = matrix.Row(row);
            if (swapped is not null)
            {
                BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<T, int>(values), MemoryMarshal.Cast<T, int>(swapped.AsSpan()));
                values = swapped;
            }

            stream.Write(MemoryMarshal.AsBytes(values));
        }
    }
}
