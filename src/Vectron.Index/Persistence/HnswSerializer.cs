using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Vectron.Checksums;
using Vectron.Index.Memory;
using Vectron.Index.Quantization;
using Vectron.Index.Search;

namespace Vectron.Index.Persistence;

/// <summary>
/// Writes an <see cref="HnswIndex"/> to a stream and reads it back without rebuilding the graph.
/// Format version 1, described byte by byte in <c>docs/formats/hnsw-index.md</c>: a checksummed
/// header, then checksummed sections in a fixed order. A file that is truncated, corrupted or of an
/// unknown version is rejected with an <see cref="InvalidDataException"/> that names the section
/// and offset; a loaded index is also checked for structural consistency before it is returned.
/// </summary>
internal static class HnswSerializer
{
    private const int QuantizerHeaderLength = 32;

    public static void Write(HnswIndex index, Stream stream)
    {
        HnswOptions options = index.Options;
        int nodes = index.NodeCount;
        long entry = index.EntryPacked;
        Span<byte> header = stackalloc byte[HnswFileFormat.HeaderLength];
        header.Clear();
        HnswFileFormat.Magic.CopyTo(header);
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], HnswFileFormat.Version);
        BinaryPrimitives.WriteUInt32LittleEndian(header[12..], HnswFileFormat.HeaderLength);
        BinaryPrimitives.WriteInt32LittleEndian(header[16..], options.Dimension);
        header[20] = (byte)options.Metric;
        header[21] = (byte)options.Quantization;
        BinaryPrimitives.WriteInt32LittleEndian(header[24..], options.M);
        BinaryPrimitives.WriteInt32LittleEndian(header[28..], options.EfConstruction);
        BinaryPrimitives.WriteInt32LittleEndian(header[32..], options.DefaultEf);
        BinaryPrimitives.WriteInt32LittleEndian(header[36..], nodes);
        BinaryPrimitives.WriteInt32LittleEndian(header[40..], index.Count);
        BinaryPrimitives.WriteInt32LittleEndian(header[44..], entry < 0 ? -1 : (int)entry);
        BinaryPrimitives.WriteInt32LittleEndian(header[48..], entry < 0 ? -1 : (int)(entry >> 32));
        BinaryPrimitives.WriteUInt64LittleEndian(header[52..], options.Seed);
        BinaryPrimitives.WriteUInt32LittleEndian(header[60..], Crc32C.Compute(header[..60]));
        stream.Write(header);

        Span<byte> opts = stackalloc byte[16];
        BinaryPrimitives.WriteDoubleLittleEndian(opts, options.QuantizationQuantile);
        BinaryPrimitives.WriteInt32LittleEndian(opts[8..], options.CalibrationThreshold);
        BinaryPrimitives.WriteInt32LittleEndian(opts[12..], options.FlatSearchThreshold);
        var section = new SectionWriter(stream);
        section.Begin("OPTS", opts.Length);
        section.Write(opts);
        section.End();

        WriteStore(section, "KEYS", index.Keys, nodes);
        WriteStore(section, "STAT", index.States, nodes);
        WriteStore(section, "LEVL", index.Levels, nodes);
        WriteStore(section, "VECT", index.Vectors, nodes);
        WriteStore(section, "LNK0", index.Links0, nodes);

        long upperBytes = 0;
        for (int node = 0; node < nodes; node++)
        {
            upperBytes += (index.UpperLinks.Row(node)?.Length ?? 0) * (long)sizeof(int);
        }

        section.Begin("UPPR", upperBytes);
        for (int node = 0; node < nodes; node++)
        {
            if (index.UpperLinks.Row(node) is { } upper)
            {
                section.Write(MemoryMarshal.AsBytes(upper.AsSpan()));
            }
        }

        section.End();

        QuantizedVectors? quantized = index.Quantized;
        if (quantized is null)
        {
            section.Begin("QUNT", 0);
            section.End();
        }
        else
        {
            long length = QuantizerHeaderLength + ((long)nodes * options.Dimension) + ((long)nodes * sizeof(float));
            section.Begin("QUNT", length);
            Span<byte> q = stackalloc byte[QuantizerHeaderLength];
            BinaryPrimitives.WriteSingleLittleEndian(q, quantized.Quantizer.Lower);
            BinaryPrimitives.WriteSingleLittleEndian(q[4..], quantized.Quantizer.Upper);
            BinaryPrimitives.WriteDoubleLittleEndian(q[8..], quantized.Quantizer.Quantile);
            BinaryPrimitives.WriteDoubleLittleEndian(q[16..], quantized.CalibrationClipFraction);
            BinaryPrimitives.WriteDoubleLittleEndian(q[24..], quantized.CalibrationInnerFraction);
            section.Write(q);
            WriteRows(section, quantized.Codes, nodes);
            WriteFileCorrections(section, quantized, nodes);
            section.End();
        }

        section.Begin("END.", 0);
        section.End();
        stream.Flush();
    }

    public static HnswIndex Read(Stream stream)
    {
        var reader = new SectionReader(stream);
        Span<byte> header = stackalloc byte[HnswFileFormat.HeaderLength];
        reader.ReadHeader(header);
        if (!header[..8].SequenceEqual(HnswFileFormat.Magic))
        {
            throw new InvalidDataException("Not a Vectron HNSW index file: the first 8 bytes are not the magic \"VXHNSWIX\".");
        }

        uint version = BinaryPrimitives.ReadUInt32LittleEndian(header[8..]);
        if (version != HnswFileFormat.Version)
        {
            throw new InvalidDataException($"Index file format version {version} is not supported; this build reads version {HnswFileFormat.Version}.");
        }

        uint storedHeaderCrc = BinaryPrimitives.ReadUInt32LittleEndian(header[60..]);
        uint headerCrc = Crc32C.Compute(header[..60]);
        if (storedHeaderCrc != headerCrc)
        {
            throw new InvalidDataException($"Index file header is corrupt: CRC32C 0x{storedHeaderCrc:X8} stored, 0x{headerCrc:X8} computed.");
        }

        int nodes = BinaryPrimitives.ReadInt32LittleEndian(header[36..]);
        int live = BinaryPrimitives.ReadInt32LittleEndian(header[40..]);
        int entryNode = BinaryPrimitives.ReadInt32LittleEndian(header[44..]);
        int entryLevel = BinaryPrimitives.ReadInt32LittleEndian(header[48..]);
        if (nodes < 0 || live < 0 || live > nodes)
        {
            throw new InvalidDataException($"Index file header is inconsistent: {nodes} nodes, {live} live.");
        }

        Span<byte> opts = stackalloc byte[16];
        reader.ExpectSection("OPTS", opts.Length);
        reader.Read(opts);
        reader.EndSection();

        HnswOptions options;
        try
        {
            options = new HnswOptions
            {
                Dimension = BinaryPrimitives.ReadInt32LittleEndian(header[16..]),
                Metric = (DistanceMetric)header[20],
                Quantization = (QuantizationKind)header[21],
                M = BinaryPrimitives.ReadInt32LittleEndian(header[24..]),
                EfConstruction = BinaryPrimitives.ReadInt32LittleEndian(header[28..]),
                DefaultEf = BinaryPrimitives.ReadInt32LittleEndian(header[32..]),
                Seed = BinaryPrimitives.ReadUInt64LittleEndian(header[52..]),
                QuantizationQuantile = BinaryPrimitives.ReadDoubleLittleEndian(opts),
                CalibrationThreshold = BinaryPrimitives.ReadInt32LittleEndian(opts[8..]),
                FlatSearchThreshold = BinaryPrimitives.ReadInt32LittleEndian(opts[12..]),
                InitialCapacity = nodes,
            };
            options.Validate();
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"Index file holds invalid options: {e.Message}", e);
        }

        var index = new HnswIndex(options);
        int dimension = options.Dimension;
        ReadStore(reader, "KEYS", index.Keys, nodes);
        ReadStore(reader, "STAT", index.States, nodes);
        ReadStore(reader, "LEVL", index.Levels, nodes);
        ReadStore(reader, "VECT", index.Vectors, nodes);
        ReadStore(reader, "LNK0", index.Links0, nodes);

        long upperBytes = 0;
        for (int node = 0; node < nodes; node++)
        {
            int level = index.Levels.Row(node);
            if (level > 30)
            {
                throw new InvalidDataException($"Node {node} has level {level}; levels are at most 30.");
            }

            upperBytes += (long)level * (options.M + 1) * sizeof(int);
        }

        reader.ExpectSection("UPPR", upperBytes);
        for (int node = 0; node < nodes; node++)
        {
            int level = index.Levels.Row(node);
            if (level > 0)
            {
                var upper = new int[level * (options.M + 1)];
                reader.Read(MemoryMarshal.AsBytes(upper.AsSpan()));
                index.UpperLinks.Row(node) = upper;
            }
        }

        reader.EndSection();

        QuantizedVectors? quantized = null;
        long quantLength = reader.BeginSection("QUNT");
        if (quantLength != 0)
        {
            long expected = QuantizerHeaderLength + ((long)nodes * dimension) + ((long)nodes * sizeof(float));
            if (options.Quantization != QuantizationKind.Int8 || quantLength != expected)
            {
                throw new InvalidDataException($"Section QUNT at offset {reader.SectionStart} has length {quantLength}; expected {(options.Quantization == QuantizationKind.Int8 ? expected : 0)}.");
            }

            Span<byte> q = stackalloc byte[QuantizerHeaderLength];
            reader.Read(q);
            ScalarQuantizer quantizer;
            try
            {
                quantizer = new ScalarQuantizer(
                    BinaryPrimitives.ReadSingleLittleEndian(q),
                    BinaryPrimitives.ReadSingleLittleEndian(q[4..]),
                    BinaryPrimitives.ReadDoubleLittleEndian(q[8..]));
            }
            catch (ArgumentException e)
            {
                throw new InvalidDataException($"Section QUNT holds an invalid quantization range: {e.Message}", e);
            }

            quantized = new QuantizedVectors(
                quantizer, dimension, nodes, BinaryPrimitives.ReadDoubleLittleEndian(q[16..]), BinaryPrimitives.ReadDoubleLittleEndian(q[24..]));
            ReadRows(reader, quantized.Codes, nodes);
            ReadFileCorrections(reader, quantized, nodes);
        }

        reader.EndSection();
        reader.ExpectSection("END.", 0);
        reader.EndSection();

        Validate(index, nodes, live, entryNode, entryLevel);
        index.CompleteLoad(nodes, live, entryNode < 0 ? -1 : ((long)entryLevel << 32) | (uint)entryNode, quantized);
        return index;
    }

    /// <summary>Structural checks after every checksum passed: a file written by a buggy build must not load as a wrong index.</summary>
    private static void Validate(HnswIndex index, int nodes, int live, int entryNode, int entryLevel)
    {
        int liveSeen = 0;
        int m = index.Options.M;
        for (int node = 0; node < nodes; node++)
        {
            byte state = index.States.Row(node);
            if (state is not (NodeState.Live or NodeState.Deleted))
            {
                throw new InvalidDataException($"Node {node} has state {state}; a saved index holds only live (1) and deleted (2) nodes.");
            }

            if (state == NodeState.Live)
            {
                liveSeen++;
            }

            int level = index.Levels.Row(node);
            for (int layer = 0; layer <= level; layer++)
            {
                int max = layer == 0 ? index.M0 : m;
                ref int links = ref index.LinksAt(node, layer);
                int count = links;
                if (count < 0 || count > max)
                {
                    throw new InvalidDataException($"Node {node} has {count} links on layer {layer}; at most {max} are allowed.");
                }

                for (int i = 1; i <= count; i++)
                {
                    int other = System.Runtime.CompilerServices.Unsafe.Add(ref links, i);
                    if ((uint)other >= (uint)nodes || index.Levels.Row(other) < layer)
                    {
                        throw new InvalidDataException($"Node {node} links to {other} on layer {layer}, which is not a node of that layer.");
                    }
                }
            }
        }

        if (liveSeen != live)
        {
            throw new InvalidDataException($"The header counts {live} live nodes but the states hold {liveSeen}.");
        }

        if (nodes == 0 ? entryNode != -1 : (uint)entryNode >= (uint)nodes || index.Levels.Row(entryNode) != entryLevel)
        {
            throw new InvalidDataException($"Entry point {entryNode} at level {entryLevel} is not a node of that level.");
        }
    }

    // The file keeps the format-1 meaning of a node's correction, t = m·s·Σc
    // (ScalarQuantizer.Correction); in memory a node carries t − 128·s²·Σc for the offset-binary dot
    // kernel (NodeCorrection). Both come from Σc of the codes, so writing recomputes t, and reading
    // checks the stored t against the codes (a mismatch means a buggy writer) and derives the
    // in-memory value. Files written before the offset-binary kernel load unchanged.
    private static void WriteFileCorrections(SectionWriter section, QuantizedVectors quantized, int nodes)
    {
        Span<byte> buffer = stackalloc byte[256 * sizeof(float)];
        int filled = 0;
        for (int node = 0; node < nodes; node++)
        {
            float correction = quantized.Quantizer.Correction(ScalarQuantizer.CodeSum(quantized.Codes.RowSpan(node)));
            BinaryPrimitives.WriteSingleLittleEndian(buffer[filled..], correction);
            filled += sizeof(float);
            if (filled == buffer.Length)
            {
                section.Write(buffer);
                filled = 0;
            }
        }

        section.Write(buffer[..filled]);
    }

    private static void ReadFileCorrections(SectionReader reader, QuantizedVectors quantized, int nodes)
    {
        quantized.Corrections.EnsureCapacity(nodes);
        Span<byte> buffer = stackalloc byte[256 * sizeof(float)];
        for (int first = 0; first < nodes; first += 256)
        {
            int count = Math.Min(256, nodes - first);
            Span<byte> chunk = buffer[..(count * sizeof(float))];
            reader.Read(chunk);
            for (int i = 0; i < count; i++)
            {
                int node = first + i;
                int codeSum = ScalarQuantizer.CodeSum(quantized.Codes.RowSpan(node));
                float stored = BinaryPrimitives.ReadSingleLittleEndian(chunk[(i * sizeof(float))..]);
                float expected = quantized.Quantizer.Correction(codeSum);
                if (BitConverter.SingleToInt32Bits(stored) != BitConverter.SingleToInt32Bits(expected))
                {
                    throw new InvalidDataException(
                        $"Section QUNT: node {node}'s dot correction is {stored}, but its codes (sum {codeSum}) give {expected}.");
                }

                quantized.Corrections.Row(node) = quantized.Quantizer.NodeCorrection(codeSum);
            }
        }
    }

    private static void WriteStore<T>(SectionWriter section, string tag, RowStore<T> store, int rows)
        where T : unmanaged
    {
        section.Begin(tag, (long)rows * store.Width * System.Runtime.CompilerServices.Unsafe.SizeOf<T>());
        WriteRows(section, store, rows);
        section.End();
    }

    private static void WriteRows<T>(SectionWriter section, RowStore<T> store, int rows)
        where T : unmanaged
    {
        if (!store.IsDense)
        {
            // Padded rows: write each row's elements, never the padding (the file is dense).
            for (int row = 0; row < rows; row++)
            {
                section.Write(MemoryMarshal.AsBytes(store.RowSpan(row)));
            }

            return;
        }

        for (int row = 0; row < rows;)
        {
            Span<T> span = store.ChunkSpan(row, rows - row);
            section.Write(MemoryMarshal.AsBytes(span));
            row += span.Length / store.Width;
        }
    }

    private static void ReadStore<T>(SectionReader reader, string tag, RowStore<T> store, int rows)
        where T : unmanaged
    {
        reader.ExpectSection(tag, (long)rows * store.Width * System.Runtime.CompilerServices.Unsafe.SizeOf<T>());
        ReadRows(reader, store, rows);
        reader.EndSection();
    }

    private static void ReadRows<T>(SectionReader reader, RowStore<T> store, int rows)
        where T : unmanaged
    {
        store.EnsureCapacity(rows);
        if (!store.IsDense)
        {
            for (int row = 0; row < rows; row++)
            {
                reader.Read(MemoryMarshal.AsBytes(store.RowSpan(row)));
            }

            return;
        }

        for (int row = 0; row < rows;)
        {
            Span<T> span = store.ChunkSpan(row, rows - row);
            reader.Read(MemoryMarshal.AsBytes(span));
            row += span.Length / store.Width;
        }
    }
}
