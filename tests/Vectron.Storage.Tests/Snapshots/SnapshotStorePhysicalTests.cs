using Vectron.Storage.Files;
using Vectron.Storage.Snapshots;

namespace Vectron.Storage.Tests.Snapshots;

public sealed class SnapshotStorePhysicalTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("vectron-snapshots-").FullName;

    private string Root => Path.Join(_directory, "shard", "snapshots");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Commit_RoundTripsFiles_OnDisk_AndMapsTheVectors()
    {
        var fs = PhysicalFileSystem.Instance;
        var files = TestSnapshots.Files(seed: 41, vectorBytes: 1_000_003);
        var store = SnapshotStore.Open(fs, Root);
        TestSnapshots.Write(store, 1, 1, TestSnapshots.Files(seed: 40));
        var committed = TestSnapshots.Write(store, 77, 3, files);

        var reopened = SnapshotStore.Open(fs, Root);

        Assert.Equal(committed.DirectoryPath, reopened.Latest?.DirectoryPath);
        Assert.Equal([1UL], reopened.Snapshots.Skip(1).Select(s => s.Index));
        TestSnapshots.AssertHolds(reopened, reopened.Latest!, files);
        using (var mapped = reopened.OpenRead(reopened.Latest!).MapFile("vectors.f32"))
        {
            Assert.Equal(files[0].Bytes.Length, mapped.Length);
            Assert.True(mapped.GetSpan(0, (int)mapped.Length).SequenceEqual(files[0].Bytes));
        }

        using var empty = reopened.OpenRead(reopened.Latest!).MapFile("payloads.json");
        Assert.Equal(0, empty.Length);
        Assert.Equal(ManifestBytes.For(77, 3, files), File.ReadAllBytes(Path.Join(committed.DirectoryPath, "MANIFEST")));
    }

    [Fact]
    public void Verify_DetectsCorruptionOnDisk()
    {
        var fs = PhysicalFileSystem.Instance;
        var store = SnapshotStore.Open(fs, Root);
        var snapshot = TestSnapshots.Write(store, 5, 1, TestSnapshots.Files(seed: 42));
        string graph = Path.Join(snapshot.DirectoryPath, "graph.hnsw");
        byte[] bytes = File.ReadAllBytes(graph);
        bytes[700] ^= 0x20;
        File.WriteAllBytes(graph, bytes);

        var error = Assert.Throws<SnapshotCorruptException>(() => SnapshotStore.Open(fs, Root).Verify(snapshot));

        Assert.Equal(graph, error.Path);
    }

    [Fact]
    public void Open_RemovesUnfinishedWrite_LeftByAnEarlierProcess()
    {
        var fs = PhysicalFileSystem.Instance;
        var store = SnapshotStore.Open(fs, Root);
        var previous = TestSnapshots.Write(store, 5, 1, TestSnapshots.Files(seed: 43));
        var writer = store.BeginWrite(6, 1);
        writer.AddFile("vectors.f32", new byte[1000]);

        // The process dies here: the writer is never committed or disposed.
        var reopened = SnapshotStore.Open(fs, Root);

        Assert.Equal(previous.DirectoryPath, reopened.Latest?.DirectoryPath);
        var removed = Assert.Single(reopened.RemovedOnOpen);
        Assert.Equal("snapshot-00000000000000000006-00000000000000000001.tmp", removed.Name);
        Assert.Equal([Path.GetFileName(previous.DirectoryPath)], fs.ListDirectories(Root));
    }
}
