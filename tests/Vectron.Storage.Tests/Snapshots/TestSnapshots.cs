using Vectron.Storage.Snapshots;

namespace Vectron.Storage.Tests.Snapshots;

/// <summary>Deterministic snapshot contents and the checks the snapshot tests share.</summary>
internal static class TestSnapshots
{
    /// <summary>A shard-like snapshot: a larger vector file, a graph, an empty payload file and a small id map, filled from <paramref name="seed"/>.</summary>
    public static List<(string Name, byte[] Bytes)> Files(int seed, int vectorBytes = 5_000)
    {
        var random = new Random(seed);
        return
        [
            ("vectors.f32", Bytes(random, vectorBytes)),
            ("graph.hnsw", Bytes(random, 1_531)),
            ("payloads.json", []),
            ("ids.bin", Bytes(random, 17)),
        ];
    }

    public static byte[] Bytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    /// <summary>Writes and commits a snapshot, the first file through a stream in uneven pieces, the others with AddFile.</summary>
    public static SnapshotInfo Write(SnapshotStore store, ulong index, ulong term, IReadOnlyList<(string Name, byte[] Bytes)> files)
    {
        using var writer = store.BeginWrite(index, term);
        for (int i = 0; i < files.Count; i++)
        {
            var (name, bytes) = files[i];
            if (i == 0)
            {
                using var stream = writer.CreateFile(name);
                int position = 0;
                int piece = 1;
                while (position < bytes.Length)
                {
                    int count = Math.Min(piece, bytes.Length - position);
                    stream.Write(bytes, position, count);
                    position += count;
                    piece = (piece * 3) + 1;
                }
            }
            else
            {
                writer.AddFile(name, bytes);
            }
        }

        return writer.Commit();
    }

    /// <summary>Asserts the snapshot lists exactly these files in this order, reads each back through a checking stream, and verifies it.</summary>
    public static void AssertHolds(SnapshotStore store, SnapshotInfo snapshot, IReadOnlyList<(string Name, byte[] Bytes)> files)
    {
        Assert.Equal(files.Select(f => f.Name), snapshot.Manifest.Files.Select(f => f.Name));
        Assert.Equal(files.Select(f => (long)f.Bytes.Length), snapshot.Manifest.Files.Select(f => f.Length));
        var reader = store.OpenRead(snapshot);
        foreach (var (name, bytes) in files)
        {
            Assert.Equal(bytes, ReadAll(reader, name));
        }

        store.Verify(snapshot);
    }

    public static byte[] ReadAll(SnapshotReader reader, string name)
    {
        using var stream = reader.OpenFile(name);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>The bytes a stream of chunks carries, checking that the chunks are contiguous from <paramref name="from"/>.</summary>
    public static byte[] Concatenate(IEnumerable<SnapshotChunk> chunks, long from = 0)
    {
        using var bytes = new MemoryStream();
        long expected = from;
        foreach (var chunk in chunks)
        {
            Assert.Equal(expected, chunk.Offset);
            bytes.Write(chunk.Data.Span);
            expected += chunk.Data.Length;
        }

        return bytes.ToArray();
    }

    /// <summary>Runs a seeded check and names the seed and step in any failure, so it can be replayed.</summary>
    public static void WithSeed(string what, Action check)
    {
        try
        {
            check();
        }
        catch (Exception e)
        {
            throw new Xunit.Sdk.XunitException($"replay: {what}: {e}");
        }
    }
}
