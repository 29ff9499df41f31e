using System.Buffers.Binary;
using Vectron.Checksums;
using Vectron.Storage.Files;
using Vectron.Storage.Snapshots;

namespace Vectron.Storage.Tests.Snapshots;

public sealed class SnapshotStreamingTests
{
    private const string SenderRoot = "/leader/snapshots";
    private const string ReceiverRoot = "/follower/snapshots";

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(48)]
    [InlineData(100)]
    [InlineData(4096)]
    [InlineData(SnapshotStoreOptions.DefaultChunkSize)]
    public void ReadChunks_CutsManifestThenFilesInOrder(int chunkSize)
    {
        var files = TestSnapshots.Files(seed: 21);
        var (sender, snapshot) = Sender(21, files, chunkSize);

        var chunks = sender.ReadChunks(snapshot).ToList();

        Assert.Equal(ManifestBytes.Stream(9, 2, files), TestSnapshots.Concatenate(chunks));
        Assert.Equal(snapshot.Manifest.StreamLength, chunks.Sum(c => (long)c.Data.Length));
        Assert.All(chunks[..^1], c => Assert.Equal(chunkSize, c.Data.Length));
        Assert.All(chunks, c => Assert.Equal(Crc32C.Compute(c.Data.Span), c.Checksum));
        Assert.Equal(chunks.Count - 1, chunks.FindIndex(c => c.IsLast));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(64)]
    [InlineData(1000)]
    public void StreamRoundTrip_TinyChunks_GivesIdenticalSnapshot(int chunkSize)
    {
        var files = TestSnapshots.Files(seed: 22);
        var (sender, snapshot) = Sender(22, files, chunkSize);
        var fs = new SimulatedFileSystem(seed: 22);
        var replica = SnapshotStore.Open(fs, ReceiverRoot);

        SnapshotInfo received;
        using (var receiver = replica.BeginReceive(9, 2))
        {
            Assert.Equal(0, receiver.ResumeOffset);
            Assert.Null(receiver.StreamLength);
            foreach (var chunk in sender.ReadChunks(snapshot, receiver.ResumeOffset))
            {
                receiver.Accept(chunk);
            }

            Assert.True(receiver.IsComplete);
            Assert.Equal(snapshot.Manifest.StreamLength, receiver.StreamLength);
            received = receiver.Commit();
        }

        fs.Crash();
        var reopened = SnapshotStore.Open(fs, ReceiverRoot);
        Assert.Equal(received.DirectoryPath, reopened.Latest?.DirectoryPath);
        Assert.Equal(snapshot.Manifest.Encoded, reopened.Latest!.Manifest.Encoded);
        TestSnapshots.AssertHolds(reopened, reopened.Latest, files);
        Assert.Equal([Path.GetFileName(received.DirectoryPath)], fs.ListDirectories(ReceiverRoot));
        Assert.Equal(["MANIFEST", .. files.Select(f => f.Name).Order(StringComparer.Ordinal)], fs.ListFiles(received.DirectoryPath));
    }

    [Fact]
    public void StreamRoundTrip_OnPhysicalFileSystem()
    {
        string directory = Directory.CreateTempSubdirectory("vectron-snapshots-").FullName;
        try
        {
            var files = TestSnapshots.Files(seed: 23, vectorBytes: 300_000);
            var sender = SnapshotStore.Open(PhysicalFileSystem.Instance, Path.Join(directory, "leader"), new SnapshotStoreOptions { ChunkSize = 4096 });
            var snapshot = TestSnapshots.Write(sender, 9, 2, files);
            var replica = SnapshotStore.Open(PhysicalFileSystem.Instance, Path.Join(directory, "follower"));

            using (var receiver = replica.BeginReceive(9, 2))
            {
                foreach (var chunk in sender.ReadChunks(snapshot).Take(20))
                {
                    receiver.Accept(chunk);
                }
            }

            // A receiver process restart: a new store on the same directory resumes from what is on disk.
            var restarted = SnapshotStore.Open(PhysicalFileSystem.Instance, Path.Join(directory, "follower"));
            Assert.Empty(restarted.RemovedOnOpen);
            using (var receiver = restarted.BeginReceive(9, 2))
            {
                Assert.Equal(20 * 4096, receiver.ResumeOffset);
                foreach (var chunk in sender.ReadChunks(snapshot, receiver.ResumeOffset))
                {
                    receiver.Accept(chunk);
                }

                receiver.Commit();
            }

            var reopened = SnapshotStore.Open(PhysicalFileSystem.Instance, Path.Join(directory, "follower"));
            TestSnapshots.AssertHolds(reopened, reopened.Latest!, files);
            Assert.Equal(["snapshot-00000000000000000009-00000000000000000002"], PhysicalFileSystem.Instance.ListDirectories(Path.Join(directory, "follower")));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Receive_ResumesAfterSenderAndReceiverRestarts_WithoutCrash()
    {
        var files = TestSnapshots.Files(seed: 24);
        var (sender, snapshot) = Sender(24, files, chunkSize: 333, out var senderFs);
        var fs = new SimulatedFileSystem(seed: 24);
        var replica = SnapshotStore.Open(fs, ReceiverRoot);

        long stoppedAt;
        using (var receiver = replica.BeginReceive(9, 2))
        {
            // The sender stops after three chunks (its process restarts); the receiver tells the new one where to go on.
            foreach (var chunk in sender.ReadChunks(snapshot).Take(3))
            {
                receiver.Accept(chunk);
            }

            var restartedSender = SnapshotStore.Open(senderFs, SenderRoot, new SnapshotStoreOptions { ChunkSize = 333 });
            foreach (var chunk in restartedSender.ReadChunks(restartedSender.Latest!, receiver.ResumeOffset).Take(5))
            {
                receiver.Accept(chunk);
            }

            stoppedAt = receiver.ResumeOffset;
            Assert.Equal(8 * 333, stoppedAt);
        }

        var restarted = SnapshotStore.Open(fs, ReceiverRoot);
        using var resumed = restarted.BeginReceive(9, 2);
        Assert.Equal(stoppedAt, resumed.ResumeOffset);
        Assert.Equal(snapshot.Manifest.StreamLength, resumed.StreamLength);
        foreach (var chunk in sender.ReadChunks(snapshot, resumed.ResumeOffset))
        {
            resumed.Accept(chunk);
        }

        TestSnapshots.AssertHolds(restarted, resumed.Commit(), files);
    }

    [Fact]
    public void Accept_OutOfOrderOrDuplicateChunk_RejectedWithoutChangingAnything()
    {
        var files = TestSnapshots.Files(seed: 25);
        var (sender, snapshot) = Sender(25, files, chunkSize: 100);
        var chunks = sender.ReadChunks(snapshot).ToList();
        var fs = new SimulatedFileSystem(seed: 25);
        var replica = SnapshotStore.Open(fs, ReceiverRoot);
        using var receiver = replica.BeginReceive(9, 2);
        receiver.Accept(chunks[0]);
        receiver.Accept(chunks[1]);
        long operations = fs.OperationCount;

        var duplicate = Assert.Throws<InvalidOperationException>(() => receiver.Accept(chunks[1]));
        var old = Assert.Throws<InvalidOperationException>(() => receiver.Accept(chunks[0]));
        var gap = Assert.Throws<InvalidOperationException>(() => receiver.Accept(chunks[3]));

        Assert.Equal("receive of snapshot 9 (term 2): chunk at offset 100 rejected: bytes up to 200 are already stored (a duplicate or an old chunk); send from offset 200", duplicate.Message);
        Assert.Contains("chunk at offset 0 rejected", old.Message, StringComparison.Ordinal);
        Assert.Equal("receive of snapshot 9 (term 2): chunk at offset 300 rejected: it would leave out bytes 200 … 299; send from offset 200", gap.Message);
        Assert.Equal(operations, fs.OperationCount);
        Assert.Equal(200, receiver.ResumeOffset);

        foreach (var chunk in chunks.Skip(2))
        {
            receiver.Accept(chunk);
        }

        TestSnapshots.AssertHolds(replica, receiver.Commit(), files);
    }

    [Fact]
    public void Accept_BadChecksum_RejectedWithoutChangingAnything()
    {
        var files = TestSnapshots.Files(seed: 26);
        var (sender, snapshot) = Sender(26, files, chunkSize: 100);
        var chunks = sender.ReadChunks(snapshot).ToList();
        var fs = new SimulatedFileSystem(seed: 26);
        var replica = SnapshotStore.Open(fs, ReceiverRoot);
        using var receiver = replica.BeginReceive(9, 2);
        for (int i = 0; i < 5; i++)
        {
            receiver.Accept(chunks[i]);
        }

        long operations = fs.OperationCount;
        byte[] damaged = chunks[5].Data.ToArray();
        damaged[17] ^= 0x04;

        var flipped = Assert.Throws<SnapshotCorruptException>(() => receiver.Accept(chunks[5] with { Data = damaged }));
        var wrongSum = Assert.Throws<SnapshotCorruptException>(() => receiver.Accept(chunks[5] with { Checksum = chunks[5].Checksum ^ 1 }));

        Assert.StartsWith("receive of snapshot 9 (term 2): chunk at offset 500 rejected: the chunk's 100 bytes fail their checksum", flipped.Message, StringComparison.Ordinal);
        Assert.Equal(500, flipped.Offset);
        Assert.Equal(500, wrongSum.Offset);
        Assert.Equal(operations, fs.OperationCount);
        Assert.Equal(500, receiver.ResumeOffset);

        foreach (var chunk in chunks.Skip(5))
        {
            receiver.Accept(chunk);
        }

        TestSnapshots.AssertHolds(replica, receiver.Commit(), files);
    }

    [Theory]
    [InlineData(16)]
    [InlineData(1000)]
    public void Accept_StreamOfAnotherSnapshot_RejectedAtTheManifestHeader(int chunkSize)
    {
        var (sender, snapshot) = Sender(27, TestSnapshots.Files(27), chunkSize);
        var fs = new SimulatedFileSystem(seed: 27);
        using var receiver = SnapshotStore.Open(fs, ReceiverRoot).BeginReceive(9, 3);
        var chunks = sender.ReadChunks(snapshot).ToList();
        int header = (48 + chunkSize - 1) / chunkSize;
        for (int i = 0; i < header - 1; i++)
        {
            receiver.Accept(chunks[i]);
        }

        long operations = fs.OperationCount;
        var error = Assert.Throws<SnapshotCorruptException>(() => receiver.Accept(chunks[header - 1]));

        Assert.Contains("the stream holds snapshot 9 (term 2), not snapshot 9 (term 3)", error.Message, StringComparison.Ordinal);
        Assert.Equal(operations, fs.OperationCount);
    }

    [Theory]
    [InlineData("../../escaped")]
    [InlineData("sub/dir")]
    [InlineData("MANIFEST")]
    public void Accept_ManifestWithUnsafeName_RejectedBeforeAnyFileIsCreated(string name)
    {
        byte[] contents = [1, 2, 3];
        byte[] stream = [.. ManifestBytes.Build(9, 2, [(name, contents.Length, Crc32C.Compute(contents))]), .. contents];
        var fs = new SimulatedFileSystem(seed: 28);
        using var receiver = SnapshotStore.Open(fs, ReceiverRoot).BeginReceive(9, 2);
        receiver.Accept(SnapshotChunk.Create(0, stream.AsMemory(0, 50), isLast: false));
        long operations = fs.OperationCount;

        var error = Assert.Throws<SnapshotCorruptException>(() => receiver.Accept(SnapshotChunk.Create(50, stream.AsMemory(50), isLast: true)));

        Assert.Contains("file entry 0 at offset 48", error.Message, StringComparison.Ordinal);
        Assert.Equal(operations, fs.OperationCount);
        Assert.Equal(["follower"], fs.ListDirectories("/"));
    }

    [Fact]
    public void Accept_RejectsMisplacedLastFlag_OverrunAndEmptyChunk()
    {
        var (sender, snapshot) = Sender(29, TestSnapshots.Files(29), chunkSize: 1000);
        var chunks = sender.ReadChunks(snapshot).ToList();
        var fs = new SimulatedFileSystem(seed: 29);
        var replica = SnapshotStore.Open(fs, ReceiverRoot);
        using var receiver = replica.BeginReceive(9, 2);

        Assert.Throws<SnapshotCorruptException>(() => receiver.Accept(chunks[0] with { IsLast = true }));
        Assert.Throws<SnapshotCorruptException>(() => receiver.Accept(SnapshotChunk.Create(0, ReadOnlyMemory<byte>.Empty, isLast: false)));
        foreach (var chunk in chunks[..^1])
        {
            receiver.Accept(chunk);
        }

        var last = chunks[^1];
        var notLast = Assert.Throws<SnapshotCorruptException>(() => receiver.Accept(last with { IsLast = false }));
        Assert.Contains("is not marked last", notLast.Message, StringComparison.Ordinal);
        var overrun = Assert.Throws<SnapshotCorruptException>(() => receiver.Accept(SnapshotChunk.Create(last.Offset, new byte[last.Data.Length + 1], isLast: true)));
        Assert.Contains("past the end", overrun.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(receiver.Commit);

        receiver.Accept(last);
        receiver.Commit();
        Assert.Throws<InvalidOperationException>(() => receiver.Accept(last));
    }

    [Fact]
    public void Commit_FileDifferingFromManifest_DiscardsPartialSnapshot()
    {
        var files = TestSnapshots.Files(seed: 30);
        byte[] stream = ManifestBytes.Stream(9, 2, files);
        stream[^20] ^= 0x10;
        var fs = new SimulatedFileSystem(seed: 30);
        var replica = SnapshotStore.Open(fs, ReceiverRoot);
        var previous = TestSnapshots.Write(replica, 5, 1, TestSnapshots.Files(5));

        using (var receiver = replica.BeginReceive(9, 2))
        {
            for (int offset = 0; offset < stream.Length; offset += 512)
            {
                int length = Math.Min(512, stream.Length - offset);
                receiver.Accept(SnapshotChunk.Create(offset, stream.AsMemory(offset, length), offset + length == stream.Length));
            }

            var error = Assert.Throws<SnapshotCorruptException>(receiver.Commit);
            Assert.Equal($"{receiver.ReceiveDirectory}/data/graph.hnsw", error.Path);
            Assert.Contains("was discarded", error.Message, StringComparison.Ordinal);
        }

        Assert.Same(previous, replica.Latest);
        Assert.Equal([Path.GetFileName(previous.DirectoryPath)], fs.ListDirectories(ReceiverRoot));
        using var again = replica.BeginReceive(9, 2);
        Assert.Equal(0, again.ResumeOffset);
    }

    [Fact]
    public void BeginReceive_RejectsSnapshotNotNewerThanLatest_AndSecondReceive_AndDropsOtherPartials()
    {
        var fs = new SimulatedFileSystem(seed: 31);
        var replica = SnapshotStore.Open(fs, ReceiverRoot);
        TestSnapshots.Write(replica, 5, 2, TestSnapshots.Files(5));

        Assert.Throws<InvalidOperationException>(() => replica.BeginReceive(5, 2));
        Assert.Throws<InvalidOperationException>(() => replica.BeginReceive(4, 9));
        var first = replica.BeginReceive(6, 2);
        Assert.Throws<InvalidOperationException>(() => replica.BeginReceive(7, 2));
        first.Dispose();
        Assert.Contains("snapshot-00000000000000000006-00000000000000000002.receiving", fs.ListDirectories(ReceiverRoot));

        using var second = replica.BeginReceive(7, 2);
        Assert.DoesNotContain("snapshot-00000000000000000006-00000000000000000002.receiving", fs.ListDirectories(ReceiverRoot));
    }

    [Fact]
    public void Open_RemovesPartialReceive_OnceANewerSnapshotIsLatest()
    {
        var (sender, snapshot) = Sender(32, TestSnapshots.Files(32), chunkSize: 100);
        var fs = new SimulatedFileSystem(seed: 32);
        var replica = SnapshotStore.Open(fs, ReceiverRoot);
        using (var receiver = replica.BeginReceive(9, 2))
        {
            receiver.Accept(sender.ReadChunks(snapshot).First());
        }

        TestSnapshots.Write(replica, 10, 2, TestSnapshots.Files(10));
        var reopened = SnapshotStore.Open(fs, ReceiverRoot);

        var removed = Assert.Single(reopened.RemovedOnOpen);
        Assert.Equal("snapshot-00000000000000000009-00000000000000000002.receiving", removed.Name);
        Assert.Contains("no newer than the latest", removed.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Accept_SyncFailure_Propagates_AndResumeContinuesFromDurableOffset()
    {
        var files = TestSnapshots.Files(seed: 33);
        var (sender, snapshot) = Sender(33, files, chunkSize: 256);
        var chunks = sender.ReadChunks(snapshot).ToList();
        var fs = new SimulatedFileSystem(seed: 33);
        var replica = SnapshotStore.Open(fs, ReceiverRoot);
        var receiver = replica.BeginReceive(9, 2);
        for (int i = 0; i < 4; i++)
        {
            receiver.Accept(chunks[i]);
        }

        fs.InjectError = (operation, _) => operation == SimulatedOperation.Sync ? 5 : null;
        var error = Assert.Throws<IOException>(() => receiver.Accept(chunks[4]));
        Assert.Contains("errno 5", error.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => receiver.Accept(chunks[4]));
        receiver.Dispose();

        fs.InjectError = null;
        fs.Crash();
        var restarted = SnapshotStore.Open(fs, ReceiverRoot);
        using var resumed = restarted.BeginReceive(9, 2);
        Assert.Equal(4 * 256, resumed.ResumeOffset);
        foreach (var chunk in sender.ReadChunks(snapshot, resumed.ResumeOffset))
        {
            resumed.Accept(chunk);
        }

        TestSnapshots.AssertHolds(restarted, resumed.Commit(), files);
    }

    [Fact]
    public void ReadChunks_FileCorruptOnSender_FailsBeforeItsLastChunk()
    {
        var (sender, snapshot) = Sender(34, TestSnapshots.Files(34), chunkSize: 1000, out var fs);
        fs.FlipBit($"{snapshot.DirectoryPath}/vectors.f32", 10, 1);

        var error = Assert.Throws<SnapshotCorruptException>(() => sender.ReadChunks(snapshot).ToList());

        Assert.Equal($"{snapshot.DirectoryPath}/vectors.f32", error.Path);
        Assert.Throws<ArgumentOutOfRangeException>(() => sender.ReadChunks(snapshot, snapshot.Manifest.StreamLength + 1));
        Assert.Empty(sender.ReadChunks(snapshot, snapshot.Manifest.StreamLength));
    }

    [Fact]
    public void ProgressLog_MatchesTheDocumentedLayout_AndResumesFromLastValidRecord()
    {
        var files = TestSnapshots.Files(seed: 35);
        var (sender, snapshot) = Sender(35, files, chunkSize: 200);
        var fs = new SimulatedFileSystem(seed: 35);
        var replica = SnapshotStore.Open(fs, ReceiverRoot);
        string progress;
        using (var receiver = replica.BeginReceive(9, 2))
        {
            foreach (var chunk in sender.ReadChunks(snapshot).Take(4))
            {
                receiver.Accept(chunk);
            }

            progress = $"{receiver.ReceiveDirectory}/PROGRESS";
        }

        byte[] log = fs.ReadAllBytes(progress);
        Assert.Equal(4 * 16, log.Length);
        for (int s = 0; s < 4; s++)
        {
            var record = log.AsSpan(16 * s, 16);
            Assert.Equal((ulong)(200 * (s + 1)), BinaryPrimitives.ReadUInt64LittleEndian(record));
            Assert.Equal((uint)s, BinaryPrimitives.ReadUInt32LittleEndian(record[8..]));
            Assert.Equal(Crc32C.Compute(record[..12]), BinaryPrimitives.ReadUInt32LittleEndian(record[12..]));
        }

        // A torn fifth record is ignored and cut off; a flipped third record ends the log there.
        using (var file = fs.OpenFile(progress, FileOpenMode.OpenExisting))
        {
            file.Write(64, new byte[] { 0xE8, 0x03, 0, 0, 0, 0 });
            file.Sync();
        }

        using (var receiver = SnapshotStore.Open(fs, ReceiverRoot).BeginReceive(9, 2))
        {
            Assert.Equal(800, receiver.ResumeOffset);
        }

        Assert.Equal(64, fs.ReadAllBytes(progress).Length);
        fs.FlipBit(progress, 36, 5);
        var restarted = SnapshotStore.Open(fs, ReceiverRoot);
        using var resumed = restarted.BeginReceive(9, 2);
        Assert.Equal(400, resumed.ResumeOffset);
        foreach (var chunk in sender.ReadChunks(snapshot, resumed.ResumeOffset))
        {
            resumed.Accept(chunk);
        }

        TestSnapshots.AssertHolds(restarted, resumed.Commit(), files);
    }

    private static (SnapshotStore Store, SnapshotInfo Snapshot) Sender(int seed, List<(string Name, byte[] Bytes)> files, int chunkSize) =>
        Sender(seed, files, chunkSize, out _);

    private static (SnapshotStore Store, SnapshotInfo Snapshot) Sender(int seed, List<(string Name, byte[] Bytes)> files, int chunkSize, out SimulatedFileSystem fs)
    {
        fs = new SimulatedFileSystem(seed + 1_000);
        var store = SnapshotStore.Open(fs, SenderRoot, new SnapshotStoreOptions { ChunkSize = chunkSize });
        var snapshot = TestSnapshots.Write(store, 9, 2, files);
        return (store, snapshot);
    }
}
