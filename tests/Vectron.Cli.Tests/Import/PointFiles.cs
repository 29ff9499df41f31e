using System.Buffers.Binary;
using System.Text;

namespace Vectron.Cli.Tests.Import;

/// <summary>Writes small import files of every supported format for the tests.</summary>
internal static class PointFiles
{
    /// <summary>Row i, component j = i + j / 10 (exact in float32 for small i, j).</summary>
    public static float[][] Rows(int count, int dimension) =>
        Enumerable.Range(0, count).Select(i => Enumerable.Range(0, dimension).Select(j => i + (j / 10f)).ToArray()).ToArray();

    public static void WriteFvecs(string path, float[][] rows)
    {
        using var stream = File.Create(path);
        Span<byte> four = stackalloc byte[4];
        foreach (float[] row in rows)
        {
            BinaryPrimitives.WriteInt32LittleEndian(four, row.Length);
            stream.Write(four);
            foreach (float value in row)
            {
                BinaryPrimitives.WriteSingleLittleEndian(four, value);
                stream.Write(four);
            }
        }
    }

    public static void WriteBvecs(string path, byte[][] rows)
    {
        using var stream = File.Create(path);
        Span<byte> four = stackalloc byte[4];
        foreach (byte[] row in rows)
        {
            BinaryPrimitives.WriteInt32LittleEndian(four, row.Length);
            stream.Write(four);
            stream.Write(row);
        }
    }

    /// <summary>A version 1.0 .npy file with the given descriptor and raw little-endian data.</summary>
    public static void WriteNpy(string path, string descriptor, string shape, byte[] data, bool fortran = false, byte major = 1)
    {
        string header = $"{{'descr': '{descriptor}', 'fortran_order': {(fortran ? "True" : "False")}, 'shape': {shape}, }}";
        int prefix = major == 1 ? 10 : 12;
        int padded = ((prefix + header.Length + 1 + 63) / 64 * 64) - prefix;
        header = header.PadRight(padded - 1) + "\n";
        using var stream = File.Create(path);
        stream.WriteByte(0x93);
        stream.Write("NUMPY"u8);
        stream.WriteByte(major);
        stream.WriteByte(0);
        Span<byte> length = stackalloc byte[4];
        if (major == 1)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(length, (ushort)header.Length);
            stream.Write(length[..2]);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(length, (uint)header.Length);
            stream.Write(length);
        }

        stream.Write(Encoding.Latin1.GetBytes(header));
        stream.Write(data);
    }

    public static byte[] Float32Data(float[][] rows)
    {
        var data = new byte[rows.Sum(r => r.Length) * 4];
        int offset = 0;
        foreach (float[] row in rows)
        {
            foreach (float value in row)
            {
                BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(offset), value);
                offset += 4;
            }
        }

        return data;
    }
}
