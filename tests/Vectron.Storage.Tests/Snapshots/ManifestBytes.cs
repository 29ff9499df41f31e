using System.Buffers.Binary;
using System.Text;
using Vectron.Checksums;

namespace Vectron.Storage.Tests.Snapshots;

/// <summary>
/// An encoder written from docs/formats/snapshot.md alone, not from the product code: tests compare the two, and use
/// this one to forge manifests the product would refuse to write (bad names, other versions).
/// </summary>
internal static class ManifestBytes
{
    public static byte[] Build(ulong index, ulong term, IEnumerable<(string Name, long Length, uint Checksum)> files, uint version = 1)
    {
        using var entries = new MemoryStream();
        int count = 0;
        long data = 0;
        Span<byte> scratch = stackalloc byte[8];
        foreach (var (name, length, checksum) in files)
        {
            byte[] utf8 = Encoding.UTF8.GetBytes(name);
            BinaryPrimitives.WriteUInt16LittleEndian(scratch, (ushort)utf8.Length);
            entries.Write(scratch[..2]);
            entries.Write(utf8);
            BinaryPrimitives.WriteUInt64LittleEndian(scratch, (ulong)length);
            entries.Write(scratch);
            BinaryPrimitives.WriteUInt32LittleEndian(scratch, checksum);
            entries.Write(scratch[..4]);
            count++;
            data += length;
        }

        int total = 48 + (int)entries.Length + 4;
        var bytes = new byte[total];
        "VXSNAPMF"u8.CopyTo(bytes);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), version);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(12), (uint)total);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(16), index);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(24), term);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(32), (uint)count);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(36), (ulong)data);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(44), Crc32C.Compute(bytes.AsSpan(0, 44)));
        entries.ToArray().CopyTo(bytes, 48);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(total - 4), Crc32C.Compute(bytes.AsSpan(0, total - 4)));
        return bytes;
    }

    /// <summary>The manifest of files with these contents.</summary>
    public static byte[] For(ulong index, ulong term, IEnumerable<(string Name, byte[] Bytes)> files) =>
        Build(index, term, files.Select(f => (f.Name, (long)f.Bytes.Length, Crc32C.Compute(f.Bytes))));

    /// <summary>The whole stream: the manifest, then the files in order.</summary>
    public static byte[] Stream(ulong index, ulong term, IReadOnlyList<(string Name, byte[] Bytes)> files) =>
        [.. For(index, term, files), .. files.SelectMany(f => f.Bytes)];
}
