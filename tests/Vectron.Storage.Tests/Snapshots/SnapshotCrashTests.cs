using Vectron.Storage.Files;
using Vectron.Storage.Snapshots;

namespace Vectron.Storage.Tests.Snapshots;

/// <summary>Power loss at every mutating operation of writing, committing and opening: never half a snapshot.</summary>
public sealed class SnapshotCrashTests
{
    private const string Root = "/data/shard-7/snapshots";

    [Theory]
    [InlineData(101, 1)]
    [InlineData(202, 0)]
    [InlineData(303, 2)]
    public void Write_CrashAtEveryOperation_LeavesPreviousOrNewSnapshot_NeverHalf(int seed, int keepPrevious)
    {
        var options = new SnapshotStoreOptions { KeepPrevious = keepPrevious };
        var history = new[] { (Index: 10UL, Files: TestSnapshots.Files(seed + 1)), (Index: 20UL, Files: TestSnapshots.Files(seed + 2)), (Index: 30UL, Files: TestSnapshots.Files(seed + 3)) };
        var next = TestSnapshots.Files(seed + 4);
        var expected = history.ToDictionary(h => h.Index, h => h.Files);
        expected[40] = next;
        bool sawPrevious = false;
        bool sawNew = false;

        for (int crashAfter = 0; ; crashAfter++)
        {
            bool completed = false;
            int fsSeed = (seed * 10_000) + crashAfter;
            TestSnapshots.WithSeed($"file system seed {fsSeed}, crash after {crashAfter} operations", () =>
            {
                var fs = new SimulatedFileSystem(fsSeed);
                var store = SnapshotStore.Open(fs, Root, options);
                foreach (var (index, files) in history)
                {
                    TestSnapshots.Write(store, index, 3, files);
                }

                fs.CrashAfter(crashAfter);
                try
                {
                    TestSnapshots.Write(store, 40, 4, next);
                    completed = true;
                }
                catch (SimulatedCrashException)
                {
                }

                fs.Crash();
                var reopened = SnapshotStore.Open(fs, Root, options);

                var latest = Assert.IsType<SnapshotInfo>(reopened.Latest);
                Assert.True(latest.Index is 30 or 40, $"latest is {latest}");
                if (completed)
                {
                    Assert.Equal(40UL, latest.Index);
                }

                sawPrevious |= latest.Index == 30;
                sawNew |= latest.Index == 40;

                // Everything left is a complete, valid snapshot the store lists; nothing temporary or half remains.
                Assert.InRange(reopened.Snapshots.Count, 1, keepPrevious + 1);
                Assert.Equal(reopened.Snapshots.Select(s => Path.GetFileName(s.DirectoryPath)).Order(StringComparer.Ordinal), fs.ListDirectories(Root));
                foreach (var snapshot in reopened.Snapshots)
                {
                    TestSnapshots.AssertHolds(reopened, snapshot, expected[snapshot.Index]);
                }

                // And the store keeps working.
                TestSnapshots.Write(reopened, 50, 4, history[0].Files);
                Assert.Equal(50UL, reopened.Latest?.Index);
            });

            if (completed)
            {
                break;
            }
        }

        Assert.True(sawPrevious && sawNew, $"the crash points never left the previous snapshot ({sawPrevious}) or the new one ({sawNew}) as latest");
    }

    [Fact]
    public void Open_CrashAtEveryOperationOfCleanup_ThenOpenAgainIsClean()
    {
        const int Seed = 404;
        var options = new SnapshotStoreOptions { KeepPrevious = 0 };
        for (int crashAfter = 0; ; crashAfter++)
        {
            bool completed = false;
            TestSnapshots.WithSeed($"file system seed {Seed}, crash after {crashAfter} operations", () =>
            {
                var fs = new SimulatedFileSystem(Seed);
                var store = SnapshotStore.Open(fs, Root, new SnapshotStoreOptions { KeepPrevious = 5 });
                TestSnapshots.Write(store, 1, 1, TestSnapshots.Files(1));
                TestSnapshots.Write(store, 2, 1, TestSnapshots.Files(2));
                var broken = TestSnapshots.Write(store, 3, 1, TestSnapshots.Files(3));
                fs.DeleteFile($"{broken.DirectoryPath}/MANIFEST");
                fs.SyncDirectory(broken.DirectoryPath);
                var writer = store.BeginWrite(4, 1);
                writer.AddFile("left-behind", [1, 2, 3]);
                fs.SyncDirectory(Root);

                fs.CrashAfter(crashAfter);
                try
                {
                    SnapshotStore.Open(fs, Root, options);
                    completed = true;
                }
                catch (SimulatedCrashException)
                {
                }

                fs.Crash();
                var reopened = SnapshotStore.Open(fs, Root, options);
                Assert.Equal(2UL, reopened.Latest?.Index);
                Assert.Equal([Path.GetFileName(reopened.Latest!.DirectoryPath)], fs.ListDirectories(Root));
                TestSnapshots.AssertHolds(reopened, reopened.Latest, TestSnapshots.Files(2));
            });

            if (completed)
            {
                break;
            }
        }
    }

    [Theory]
    [InlineData(505, 97, false)]
    [InlineData(606, 1000, false)]
    [InlineData(707, 3, true)]
    public void Receive_CrashAtEveryOperation_ResumesFromDurableOffset_AndCommitsIdenticalSnapshot(int seed, int chunkSize, bool small)
    {
        List<(string Name, byte[] Bytes)> files = small
            ? [("a", TestSnapshots.Bytes(new Random(seed), 31)), ("empty", []), ("b", TestSnapshots.Bytes(new Random(seed + 1), 20))]
            : TestSnapshots.Files(seed);
        var sender = SnapshotStore.Open(new SimulatedFileSystem(seed), "/leader", new SnapshotStoreOptions { ChunkSize = chunkSize });
        var snapshot = TestSnapshots.Write(sender, 9, 2, files);
        long total = snapshot.Manifest.StreamLength;
        var previousFiles = TestSnapshots.Files(seed + 5);
        var resumedAt = new HashSet<long>();

        for (int crashAfter = 0; ; crashAfter++)
        {
            bool committed = false;
            int fsSeed = (seed * 10_000) + crashAfter;
            TestSnapshots.WithSeed($"file system seed {fsSeed}, crash after {crashAfter} operations", () =>
            {
                var fs = new SimulatedFileSystem(fsSeed);
                var replica = SnapshotStore.Open(fs, Root);
                TestSnapshots.Write(replica, 5, 1, previousFiles);

                fs.CrashAfter(crashAfter);
                long acknowledged = 0;
                try
                {
                    using var receiver = replica.BeginReceive(9, 2);
                    foreach (var chunk in sender.ReadChunks(snapshot, receiver.ResumeOffset))
                    {
                        receiver.Accept(chunk);
                        acknowledged = receiver.ResumeOffset;
                    }

                    receiver.Commit();
                    committed = true;
                }
                catch (SimulatedCrashException)
                {
                }

                fs.Crash();
                var reopened = SnapshotStore.Open(fs, Root);
                Assert.DoesNotContain(fs.ListDirectories(Root), name => name.EndsWith(".tmp", StringComparison.Ordinal));
                var latest = Assert.IsType<SnapshotInfo>(reopened.Latest);
                if (latest.Index != 9)
                {
                    Assert.False(committed);
                    Assert.Equal(5UL, latest.Index);
                    using var receiver = reopened.BeginReceive(9, 2);

                    // Every acknowledged chunk survived the crash; nothing beyond the stream is claimed.
                    Assert.InRange(receiver.ResumeOffset, acknowledged, total);
                    resumedAt.Add(receiver.ResumeOffset);
                    foreach (var chunk in sender.ReadChunks(snapshot, receiver.ResumeOffset))
                    {
                        receiver.Accept(chunk);
                    }

                    latest = receiver.Commit();
                }

                Assert.Equal(snapshot.Manifest.Encoded, latest.Manifest.Encoded);
                TestSnapshots.AssertHolds(reopened, latest, files);
                TestSnapshots.AssertHolds(reopened, reopened.Snapshots[1], previousFiles);
                Assert.Equal(reopened.Snapshots.Select(s => Path.GetFileName(s.DirectoryPath)).Order(StringComparer.Ordinal), fs.ListDirectories(Root));
            });

            if (committed)
            {
                break;
            }
        }

        Assert.Contains(0, resumedAt);
        Assert.Contains(total, resumedAt);
        Assert.Contains(resumedAt, offset => offset > 0 && offset < total);
    }
}
