using Vectron.Storage.Files;
using Vectron.Storage.Snapshots;

namespace Vectron.Storage.Tests.Snapshots;

public sealed class SnapshotStoreTests
{
    private const string Root = "/shard-1/snapshots";

    [Fact]
    public void Open_CreatesDirectory_AndHasNoLatest()
    {
        var fs = new SimulatedFileSystem(seed: 1);

        var store = SnapshotStore.Open(fs, Root);
        fs.Crash();

        Assert.Null(store.Latest);
        Assert.Empty(store.Snapshots);
        Assert.Empty(store.RemovedOnOpen);
        Assert.True(fs.DirectoryExists(Root));
    }

    [Fact]
    public void Commit_RoundTripsFiles_AndSurvivesCrash()
    {
        var fs = new SimulatedFileSystem(seed: 2);
        var store = SnapshotStore.Open(fs, Root);
        var files = TestSnapshots.Files(seed: 2);

        var committed = TestSnapshots.Write(store, 100, 7, files);
        fs.Crash();
        var reopened = SnapshotStore.Open(fs, Root);

        Assert.Equal(committed, store.Latest);
        var latest = Assert.IsType<SnapshotInfo>(reopened.Latest);
        Assert.Equal((100UL, 7UL), (latest.Index, latest.Term));
        Assert.Equal($"{Root}/snapshot-00000000000000000100-00000000000000000007", latest.DirectoryPath);
        Assert.Equal(committed.Manifest.Encoded, latest.Manifest.Encoded);
        Assert.Equal(ManifestBytes.For(100, 7, files), latest.Manifest.Encoded);
        TestSnapshots.AssertHolds(reopened, latest, files);
        Assert.Equal(["MANIFEST", .. files.Select(f => f.Name).Order(StringComparer.Ordinal)], fs.ListFiles(latest.DirectoryPath));
        Assert.Empty(reopened.RemovedOnOpen);
    }

    [Fact]
    public void Commit_OfEmptySnapshot_RoundTrips()
    {
        var fs = new SimulatedFileSystem(seed: 3);
        var store = SnapshotStore.Open(fs, Root);

        using (var writer = store.BeginWrite(1, 1))
        {
            writer.Commit();
        }

        fs.Crash();
        var latest = SnapshotStore.Open(fs, Root).Latest;
        Assert.NotNull(latest);
        Assert.Empty(latest.Manifest.Files);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void Commit_KeepsConfiguredPreviousSnapshots_AndDeletesOlder(int keepPrevious)
    {
        var fs = new SimulatedFileSystem(seed: 4);
        var store = SnapshotStore.Open(fs, Root, new SnapshotStoreOptions { KeepPrevious = keepPrevious });

        for (ulong index = 1; index <= 5; index++)
        {
            TestSnapshots.Write(store, index * 10, 1, TestSnapshots.Files((int)index));
        }

        ulong[] expected = [.. Enumerable.Range(0, keepPrevious + 1).Select(i => (ulong)(50 - (10 * i)))];
        Assert.Equal(expected, store.Snapshots.Select(s => s.Index));
        Assert.Equal(expected.Length, fs.ListDirectories(Root).Count);
        fs.Crash();
        Assert.Equal(expected, SnapshotStore.Open(fs, Root, new SnapshotStoreOptions { KeepPrevious = keepPrevious }).Snapshots.Select(s => s.Index));
    }

    [Fact]
    public void Open_AppliesRetention_AndReportsIt()
    {
        var fs = new SimulatedFileSystem(seed: 5);
        var store = SnapshotStore.Open(fs, Root, new SnapshotStoreOptions { KeepPrevious = 5 });
        for (ulong index = 1; index <= 3; index++)
        {
            TestSnapshots.Write(store, index, 1, TestSnapshots.Files((int)index));
        }

        var reopened = SnapshotStore.Open(fs, Root, new SnapshotStoreOptions { KeepPrevious = 0 });

        Assert.Equal([3UL], reopened.Snapshots.Select(s => s.Index));
        Assert.Equal(
            ["snapshot-00000000000000000001-00000000000000000001", "snapshot-00000000000000000002-00000000000000000001"],
            reopened.RemovedOnOpen.Select(r => r.Name));
        Assert.All(reopened.RemovedOnOpen, r => Assert.Contains("older than the 0 previous", r.Reason, StringComparison.Ordinal));
    }

    [Fact]
    public void Open_RemovesIncompleteAndInvalidDirectories_AndReportsEach()
    {
        var fs = new SimulatedFileSystem(seed: 6);
        var store = SnapshotStore.Open(fs, Root, new SnapshotStoreOptions { KeepPrevious = 10 });
        var good = TestSnapshots.Write(store, 10, 1, TestSnapshots.Files(1));
        var badManifest = TestSnapshots.Write(store, 20, 1, TestSnapshots.Files(2));
        var missingFile = TestSnapshots.Write(store, 30, 1, TestSnapshots.Files(3));
        var shortFile = TestSnapshots.Write(store, 40, 1, TestSnapshots.Files(4));
        var noManifest = TestSnapshots.Write(store, 50, 1, TestSnapshots.Files(5));
        fs.FlipBit($"{badManifest.DirectoryPath}/MANIFEST", 60, 3);
        fs.DeleteFile($"{missingFile.DirectoryPath}/graph.hnsw");
        using (var file = fs.OpenFile($"{shortFile.DirectoryPath}/vectors.f32", FileOpenMode.OpenExisting))
        {
            file.SetLength(100);
            file.Sync();
        }

        fs.DeleteFile($"{noManifest.DirectoryPath}/MANIFEST");
        fs.CreateDirectory($"{Root}/snapshot-00000000000000000060-00000000000000000001.tmp");
        fs.CreateDirectory($"{Root}/unrelated");
        fs.SyncDirectory(Root);

        var reopened = SnapshotStore.Open(fs, Root, new SnapshotStoreOptions { KeepPrevious = 10 });

        Assert.Equal(good.DirectoryPath, reopened.Latest?.DirectoryPath);
        var reasons = reopened.RemovedOnOpen.ToDictionary(r => r.Name, r => r.Reason);
        Assert.Equal(5, reasons.Count);
        Assert.Contains("manifest is corrupt", reasons[Path.GetFileName(badManifest.DirectoryPath)], StringComparison.Ordinal);
        Assert.Contains("'graph.hnsw' is missing", reasons[Path.GetFileName(missingFile.DirectoryPath)], StringComparison.Ordinal);
        Assert.Contains("'vectors.f32' has 100 bytes", reasons[Path.GetFileName(shortFile.DirectoryPath)], StringComparison.Ordinal);
        Assert.Contains("no manifest", reasons[Path.GetFileName(noManifest.DirectoryPath)], StringComparison.Ordinal);
        Assert.Contains("temporary directory", reasons["snapshot-00000000000000000060-00000000000000000001.tmp"], StringComparison.Ordinal);
        Assert.Equal([Path.GetFileName(good.DirectoryPath), "unrelated"], fs.ListDirectories(Root));
    }

    [Theory]
    [InlineData("")]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("../up")]
    [InlineData("a..b")]
    [InlineData("dir/file")]
    [InlineData("dir\\file")]
    [InlineData("/abs")]
    [InlineData("MANIFEST")]
    [InlineData("manifest")]
    [InlineData("nul\0")]
    public void CreateFile_RejectsUnsafeNames(string name)
    {
        var fs = new SimulatedFileSystem(seed: 7);
        using var writer = SnapshotStore.Open(fs, Root).BeginWrite(1, 1);

        Assert.Throws<ArgumentException>(() => writer.CreateFile(name));
    }

    [Fact]
    public void CreateFile_RejectsLongAndRepeatedNames()
    {
        var fs = new SimulatedFileSystem(seed: 8);
        using var writer = SnapshotStore.Open(fs, Root).BeginWrite(1, 1);
        writer.AddFile("a", [1]);

        Assert.Throws<ArgumentException>(() => writer.CreateFile(new string('x', 256)));
        var error = Assert.Throws<ArgumentException>(() => writer.AddFile("a", [2]));
        Assert.Contains("already has a file named 'a'", error.Message, StringComparison.Ordinal);
        writer.AddFile(new string('x', 255), [3]);
    }

    [Fact]
    public void BeginWrite_RejectsSnapshotNotNewerThanLatest_OrAlreadyInProgress()
    {
        var fs = new SimulatedFileSystem(seed: 9);
        var store = SnapshotStore.Open(fs, Root);
        TestSnapshots.Write(store, 10, 2, TestSnapshots.Files(1));

        Assert.Throws<InvalidOperationException>(() => store.BeginWrite(10, 2));
        Assert.Throws<InvalidOperationException>(() => store.BeginWrite(9, 3));
        using var writer = store.BeginWrite(10, 3);
        Assert.Throws<InvalidOperationException>(() => store.BeginWrite(10, 3));
        Assert.Throws<InvalidOperationException>(() => store.BeginReceive(10, 3));
    }

    [Fact]
    public void Dispose_WithoutCommit_RemovesTemporaryDirectory_AndLeavesLatest()
    {
        var fs = new SimulatedFileSystem(seed: 10);
        var store = SnapshotStore.Open(fs, Root);
        var previous = TestSnapshots.Write(store, 1, 1, TestSnapshots.Files(1));

        using (var writer = store.BeginWrite(2, 1))
        {
            writer.AddFile("half", [1, 2, 3]);
            Assert.True(fs.DirectoryExists(writer.TemporaryDirectory));
        }

        Assert.Equal([Path.GetFileName(previous.DirectoryPath)], fs.ListDirectories(Root));
        Assert.Same(previous, store.Latest);
        using var again = store.BeginWrite(2, 1);
    }

    [Fact]
    public void Commit_RefusesOpenStream_AndSecondCommit()
    {
        var fs = new SimulatedFileSystem(seed: 11);
        var store = SnapshotStore.Open(fs, Root);
        using var writer = store.BeginWrite(1, 1);
        var stream = writer.CreateFile("open");
        stream.Write([1, 2]);

        var error = Assert.Throws<InvalidOperationException>(writer.Commit);
        Assert.Contains("'open' is still open", error.Message, StringComparison.Ordinal);

        stream.Dispose();
        writer.Commit();
        Assert.Throws<InvalidOperationException>(writer.Commit);
        Assert.Throws<InvalidOperationException>(() => writer.AddFile("late", []));
    }

    [Fact]
    public void Verify_DetectsAFlippedBitInEveryFile_NamingIt()
    {
        var files = TestSnapshots.Files(seed: 12);
        var random = new Random(12);
        foreach (var (name, bytes) in files.Where(f => f.Bytes.Length > 0))
        {
            for (int trial = 0; trial < 4; trial++)
            {
                long offset = random.Next(bytes.Length);
                int bit = random.Next(8);
                TestSnapshots.WithSeed($"file {name}, offset {offset}, bit {bit}", () =>
                {
                    var fs = new SimulatedFileSystem(seed: 12);
                    var store = SnapshotStore.Open(fs, Root);
                    var snapshot = TestSnapshots.Write(store, 5, 1, files);
                    fs.FlipBit($"{snapshot.DirectoryPath}/{name}", offset, bit);

                    // Open checks lengths only, so the snapshot is still found; Verify and a read-through catch the flip.
                    var reopened = SnapshotStore.Open(fs, Root);
                    var latest = Assert.IsType<SnapshotInfo>(reopened.Latest);
                    var error = Assert.Throws<SnapshotCorruptException>(() => reopened.Verify(latest));
                    Assert.Equal($"{latest.DirectoryPath}/{name}", error.Path);
                    Assert.Contains("CRC32C", error.Message, StringComparison.Ordinal);
                    var readError = Assert.Throws<SnapshotCorruptException>(() => TestSnapshots.ReadAll(reopened.OpenRead(latest), name));
                    Assert.Equal(error.Path, readError.Path);
                });
            }
        }
    }

    [Fact]
    public void Verify_DetectsManifestChangedAfterOpen()
    {
        var fs = new SimulatedFileSystem(seed: 13);
        var store = SnapshotStore.Open(fs, Root);
        var snapshot = TestSnapshots.Write(store, 5, 1, TestSnapshots.Files(13));
        fs.FlipBit($"{snapshot.DirectoryPath}/MANIFEST", 20, 0);

        var error = Assert.Throws<SnapshotCorruptException>(() => store.Verify(snapshot));

        Assert.Equal($"{snapshot.DirectoryPath}/MANIFEST", error.Path);
    }

    [Fact]
    public void OpenFile_SeekingTurnsCheckOff_AndReadsRanges()
    {
        var fs = new SimulatedFileSystem(seed: 14);
        var store = SnapshotStore.Open(fs, Root);
        var files = TestSnapshots.Files(14);
        var snapshot = TestSnapshots.Write(store, 5, 1, files);

        using var stream = store.OpenRead(snapshot).OpenFile("vectors.f32");
        stream.Seek(100, SeekOrigin.Begin);
        var buffer = new byte[10];
        stream.ReadExactly(buffer);

        Assert.Equal(files[0].Bytes.AsSpan(100, 10).ToArray(), buffer);
        Assert.Equal(5_000, stream.Length);
        Assert.Throws<ArgumentException>(() => store.OpenRead(snapshot).OpenFile("nope"));
    }

    [Fact]
    public void MapFile_ReturnsTheFileBytes()
    {
        var fs = new SimulatedFileSystem(seed: 15);
        var store = SnapshotStore.Open(fs, Root);
        var files = TestSnapshots.Files(15);
        var snapshot = TestSnapshots.Write(store, 5, 1, files);

        using var mapped = store.OpenRead(snapshot).MapFile("vectors.f32");

        Assert.Equal(files[0].Bytes.Length, mapped.Length);
        Assert.Equal(files[0].Bytes, mapped.GetSpan(0, (int)mapped.Length).ToArray());
    }

    [Theory]
    [InlineData(SimulatedOperation.Sync)]
    [InlineData(SimulatedOperation.SyncDirectory)]
    [InlineData(SimulatedOperation.Rename)]
    public void Commit_PropagatesFileSystemErrors_AndKeepsPreviousSnapshot(SimulatedOperation failing)
    {
        var fs = new SimulatedFileSystem(seed: 16);
        var store = SnapshotStore.Open(fs, Root);
        var previous = TestSnapshots.Write(store, 1, 1, TestSnapshots.Files(1));
        fs.InjectError = (operation, _) => operation == failing ? 5 : null;

        var error = Assert.Throws<IOException>(() => TestSnapshots.Write(store, 2, 1, TestSnapshots.Files(2)));

        Assert.Contains("errno 5", error.Message, StringComparison.Ordinal);
        Assert.Same(previous, store.Latest);
        fs.InjectError = null;
        fs.Crash();
        var reopened = SnapshotStore.Open(fs, Root);
        Assert.Equal(1UL, reopened.Latest?.Index);
        Assert.DoesNotContain(fs.ListDirectories(Root), name => name.EndsWith(".tmp", StringComparison.Ordinal));
    }

    [Fact]
    public void Open_RejectsInvalidOptions()
    {
        var fs = new SimulatedFileSystem(seed: 17);

        Assert.Throws<ArgumentOutOfRangeException>(() => SnapshotStore.Open(fs, Root, new SnapshotStoreOptions { KeepPrevious = -1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => SnapshotStore.Open(fs, Root, new SnapshotStoreOptions { ChunkSize = 0 }));
    }
}
