using Vectron.Storage.Files;
using Vectron.Storage.Log;

namespace Vectron.Storage.Tests.Log;

public sealed class LogEngineTests
{
    internal static LogEngineOptions Options(IFileSystem fs, long segmentSize = 4096, bool preallocate = false, List<Exception>? fatal = null) => new()
    {
        Directory = "/node/log",
        FileSystem = fs,
        SegmentSize = segmentSize,
        PreallocateSegments = preallocate,
        OnFatalError = e =>
        {
            lock (fatal ?? [])
            {
                fatal?.Add(e);
            }
        },
    };

    [Fact]
    public async Task Write_ThenRead_AndReopen_ReturnsEntriesTermsAndHardState()
    {
        var fs = new SimulatedFileSystem(seed: 1);
        var model = new LogModel();
        var random = new Random(1);
        using (var engine = LogEngine.Open(Options(fs)))
        {
            for (ulong i = 1; i <= 20; i++)
            {
                var recorder = new Recorder()
                    .Append(7, i, (i + 4) / 5, Recorder.Payload(random, 40))
                    .HardState(7, new HardState((i + 4) / 5, 2, i - 1));
                await engine.WriteAsync(recorder.Batch);
                model.Apply(recorder.Operations);
            }

            model.AssertMatches(engine, "running");
            Assert.True(engine.TryGetTerm(7, 0, out ulong zeroTerm) && zeroTerm == 0);
            Assert.False(engine.TryGetTerm(7, 21, out _));
        }

        using var reopened = LogEngine.Open(Options(fs));
        model.AssertMatches(reopened, "reopened");
        Assert.Null(reopened.Recovery.TornTail);
        Assert.Equal(20, reopened.Recovery.Batches);
    }

    [Fact]
    public async Task ConcurrentWriters_ShareSyncs()
    {
        var fs = new SimulatedFileSystem(seed: 2);
        var gate = new ManualResetEventSlim(false);
        int syncs = 0;
        using var engine = LogEngine.Open(Options(fs, segmentSize: 1 << 20));
        fs.BeforeSync = _ =>
        {
            // Hold the second batch's sync until every writer has queued, so they must share the next one.
            if (Interlocked.Increment(ref syncs) == 2)
            {
                gate.Wait();
            }
        };
        await engine.WriteAsync(new Recorder().Append(1000, 1, 1, [1]).Batch);
        var blocker = engine.WriteAsync(new Recorder().Append(1000, 2, 1, [1]).Batch);
        var writes = Enumerable.Range(1, 100).Select(g => engine.WriteAsync(new Recorder().Append((ulong)g, 1, 1, [(byte)g]).Batch)).ToList();
        gate.Set();
        await blocker;
        await Task.WhenAll(writes);

        Assert.True(engine.Stats.Syncs <= 3, $"100 groups took {engine.Stats.Syncs} syncs");
        Assert.Equal(101, engine.GroupIds.Count);
    }

    [Fact]
    public async Task ContinueOnWriterThread_RunsTheCallersContinuationOnTheWriter_OtherwiseNot()
    {
        var fs = new SimulatedFileSystem(seed: 4);
        using var engine = LogEngine.Open(Options(fs));
        // Each sync waits until the caller is awaiting, so no write completes before its continuation is attached.
        using var awaiting = new SemaphoreSlim(0);
        fs.BeforeSync = _ => awaiting.Wait();

        var inline = new WriteBatch { ContinueOnWriterThread = true };
        inline.Append(1, 1, 1, new byte[] { 1 });
        var first = ThreadAfterAsync(engine, inline);
        awaiting.Release();
        Assert.Equal("vectron-log-writer", await first);

        var pooled = new WriteBatch();
        pooled.Append(1, 2, 1, new byte[] { 2 });
        var second = ThreadAfterAsync(engine, pooled);
        awaiting.Release();
        Assert.NotEqual("vectron-log-writer", await second);
    }

    /// <summary>The name of the thread the continuation of a write runs on (no synchronization context).</summary>
    private static async Task<string?> ThreadAfterAsync(LogEngine engine, WriteBatch batch)
    {
        await engine.WriteAsync(batch).ConfigureAwait(false);
        return Thread.CurrentThread.Name;
    }

    [Fact]
    public async Task Append_ThatDoesNotFollowLastIndex_IsRejected_AndChangesNothing()
    {
        var fs = new SimulatedFileSystem(seed: 3);
        using var engine = LogEngine.Open(Options(fs));
        await engine.WriteAsync(new Recorder().Append(1, 1, 1, [1]).Append(1, 2, 1, [2]).Batch);

        var gap = new WriteBatch();
        gap.SetHardState(1, new HardState(9, 9, 9));
        gap.Append(1, 4, 1, new byte[] { 4 });
        var error = await Assert.ThrowsAsync<ArgumentException>(() => engine.WriteAsync(gap));
        Assert.Contains("does not follow the last index 2", error.Message, StringComparison.Ordinal);

        var overwrite = new WriteBatch();
        overwrite.Append(1, 2, 2, new byte[] { 9 });
        error = await Assert.ThrowsAsync<ArgumentException>(() => engine.WriteAsync(overwrite));
        Assert.Contains("truncate the suffix first", error.Message, StringComparison.Ordinal);

        var badTruncate = new WriteBatch();
        badTruncate.TruncateSuffix(1, 5);
        await Assert.ThrowsAsync<ArgumentException>(() => engine.WriteAsync(badTruncate));

        Assert.Equal(new HardState(0, 0, 0), engine.GetGroup(1)!.Value.HardState);
        Assert.Equal(2UL, engine.GetGroup(1)!.Value.LastIndex);
        await engine.WriteAsync(new Recorder().Append(1, 3, 1, [3]).Batch);
        Assert.Equal(3UL, engine.GetGroup(1)!.Value.LastIndex);
    }

    [Fact]
    public void WriteBatch_RejectsNonConsecutiveOrBackwardsEntries()
    {
        var batch = new WriteBatch();
        Assert.Throws<ArgumentException>(() => batch.Append(1, [new LogEntry(1, 1, default), new LogEntry(3, 1, default)]));
        Assert.Throws<ArgumentException>(() => batch.Append(1, [new LogEntry(1, 2, default), new LogEntry(2, 1, default)]));
        Assert.Throws<ArgumentException>(() => batch.Append(1, [new LogEntry(0, 1, default)]));
        Assert.Throws<ArgumentException>(() => batch.Append(1, ReadOnlySpan<LogEntry>.Empty));
        Assert.True(batch.IsEmpty);
    }

    [Fact]
    public async Task TruncateSuffix_ThenAppend_ReplacesTail_AcrossReopen()
    {
        var fs = new SimulatedFileSystem(seed: 4);
        var model = new LogModel();
        using (var engine = LogEngine.Open(Options(fs)))
        {
            var first = new Recorder();
            for (ulong i = 1; i <= 10; i++)
            {
                first.Append(3, i, 1, [(byte)i]);
            }

            await engine.WriteAsync(first.Batch);
            model.Apply(first.Operations);
            var replace = new Recorder().Truncate(3, 6).Append(3, 6, 2, [60]).Append(3, 7, 2, [70]);
            await engine.WriteAsync(replace.Batch);
            model.Apply(replace.Operations);
            model.AssertMatches(engine, "running");
        }

        using var reopened = LogEngine.Open(Options(fs));
        model.AssertMatches(reopened, "reopened");
    }

    [Fact]
    public async Task Compact_DropsPrefix_ReadsBelowAreCompacted_SnapshotPastEndResetsLog()
    {
        var fs = new SimulatedFileSystem(seed: 5);
        var model = new LogModel();
        using (var engine = LogEngine.Open(Options(fs)))
        {
            var first = new Recorder();
            for (ulong i = 1; i <= 10; i++)
            {
                first.Append(3, i, i, [(byte)i]);
            }

            first.Compact(3, 4, 4);
            await engine.WriteAsync(first.Batch);
            model.Apply(first.Operations);
            Assert.Equal(LogReadStatus.Compacted, engine.ReadEntries(3, 4, 6, long.MaxValue, new List<LogEntry>()));
            Assert.Equal(LogReadStatus.Unavailable, engine.ReadEntries(3, 5, 12, long.MaxValue, new List<LogEntry>()));
            Assert.True(engine.TryGetTerm(3, 4, out ulong term) && term == 4);
            model.AssertMatches(engine, "compacted");

            var snapshot = new Recorder().Compact(3, 100, 9).Append(3, 101, 9, [1]);
            await engine.WriteAsync(snapshot.Batch);
            model.Apply(snapshot.Operations);
            model.AssertMatches(engine, "snapshot installed");
        }

        using var reopened = LogEngine.Open(Options(fs));
        model.AssertMatches(reopened, "reopened");
    }

    [Fact]
    public async Task ReadEntries_StopsAtByteCap_ButReadsAtLeastOne()
    {
        var fs = new SimulatedFileSystem(seed: 6);
        using var engine = LogEngine.Open(Options(fs));
        var recorder = new Recorder();
        for (ulong i = 1; i <= 5; i++)
        {
            recorder.Append(1, i, 1, new byte[100]);
        }

        await engine.WriteAsync(recorder.Batch);
        var read = new List<LogEntry>();
        engine.ReadEntries(1, 1, 6, 250, read);
        Assert.Equal([1UL, 2UL], read.Select(e => e.Index));
        read.Clear();
        engine.ReadEntries(1, 3, 6, 10, read);
        Assert.Equal([3UL], read.Select(e => e.Index));
    }

    [Fact]
    public void ReadEntries_OfUnknownGroup_FollowsTheRulesOfAnEmptyLog()
    {
        using var engine = LogEngine.Open(Options(new SimulatedFileSystem(seed: 15)));
        var read = new List<LogEntry>();

        Assert.Equal(LogReadStatus.Ok, engine.ReadEntries(9, 1, 1, long.MaxValue, read));
        Assert.Equal(LogReadStatus.Compacted, engine.ReadEntries(9, 0, 0, long.MaxValue, read));
        Assert.Equal(LogReadStatus.Unavailable, engine.ReadEntries(9, 1, 2, long.MaxValue, read));
        Assert.Empty(read);
        Assert.True(engine.TryGetTerm(9, 0, out ulong term) && term == 0);
        Assert.False(engine.TryGetTerm(9, 1, out _));
    }

    [Fact]
    public async Task Segments_Rotate_AndAreDeleted_WhenNoGroupNeedsThem_StateSurvivesDeletion()
    {
        var fs = new SimulatedFileSystem(seed: 7);
        var model = new LogModel();
        var random = new Random(7);
        using (var engine = LogEngine.Open(Options(fs, segmentSize: 4096)))
        {
            // Group 1 sets its hard state once, early; group 2 keeps writing.
            var early = new Recorder().HardState(1, new HardState(5, 1, 0)).Append(1, 1, 5, [1]);
            await engine.WriteAsync(early.Batch);
            model.Apply(early.Operations);
            for (ulong i = 1; i <= 200; i++)
            {
                var recorder = new Recorder().Append(2, i, 1, Recorder.Payload(random, 100));
                await engine.WriteAsync(recorder.Batch);
                model.Apply(recorder.Operations);
            }

            Assert.True(engine.Stats.Segments > 3, $"only {engine.Stats.Segments} segments");
            Assert.Equal([1UL, 2UL], engine.GroupsPinningOldestSegment());

            var compact = new Recorder().Compact(2, 190, 1).Compact(1, 1, 5);
            await engine.WriteAsync(compact.Batch);
            model.Apply(compact.Operations);
            Assert.True(engine.Stats.Segments <= 2, $"{engine.Stats.Segments} segments remain after compaction");
            Assert.Empty(engine.GroupsPinningOldestSegment());
            model.AssertMatches(engine, "after deletion");
        }

        Assert.True(fs.ListFiles("/node/log").Count(n => n.EndsWith(".wal", StringComparison.Ordinal)) <= 2);
        using var reopened = LogEngine.Open(Options(fs, segmentSize: 4096));
        model.AssertMatches(reopened, "reopened");
        Assert.Equal(new HardState(5, 1, 0), reopened.GetGroup(1)!.Value.HardState);
    }

    [Fact]
    public async Task PreallocatedSegments_AreCreatedAhead_AndUnlistedOnesRemovedOnOpen()
    {
        var fs = new SimulatedFileSystem(seed: 8);
        var model = new LogModel();
        using (var engine = LogEngine.Open(Options(fs, segmentSize: 4096, preallocate: true)))
        {
            for (ulong i = 1; i <= 100; i++)
            {
                var recorder = new Recorder().Append(1, i, 1, new byte[100]);
                await engine.WriteAsync(recorder.Batch);
                model.Apply(recorder.Operations);
            }
        }

        using var reopened = LogEngine.Open(Options(fs, segmentSize: 4096, preallocate: true));
        model.AssertMatches(reopened, "reopened");
        Assert.Single(reopened.Recovery.RemovedFiles);
    }

    [Fact]
    public async Task SyncFailure_StopsEngine_FaultsWrite_AndRefusesLaterWrites()
    {
        var fs = new SimulatedFileSystem(seed: 9);
        var fatal = new List<Exception>();
        using var engine = LogEngine.Open(Options(fs, fatal: fatal));
        await engine.WriteAsync(new Recorder().Append(1, 1, 1, [1]).Batch);
        fs.InjectError = (operation, _) => operation == SimulatedOperation.Sync ? 5 : null;

        var failed = await Assert.ThrowsAsync<StorageFailedException>(() => engine.WriteAsync(new Recorder().Append(1, 2, 1, [2]).Batch));
        Assert.Contains("errno 5", failed.Message, StringComparison.Ordinal);
        Assert.Single(fatal);
        await Assert.ThrowsAsync<StorageFailedException>(() => engine.WriteAsync(new Recorder().Append(1, 2, 1, [2]).Batch));
        Assert.Equal(1UL, engine.GetGroup(1)!.Value.LastIndex);
    }

    [Fact]
    public async Task DiskFull_OnWrite_StopsEngine()
    {
        var fs = new SimulatedFileSystem(seed: 10);
        var fatal = new List<Exception>();
        using var engine = LogEngine.Open(Options(fs, fatal: fatal));
        fs.InjectError = (operation, _) => operation == SimulatedOperation.Write ? 28 : null;

        var failed = await Assert.ThrowsAsync<StorageFailedException>(() => engine.WriteAsync(new Recorder().Append(1, 1, 1, [1]).Batch));
        Assert.Contains("No space left", failed.Message, StringComparison.Ordinal);
        Assert.Single(fatal);
    }

    [Fact]
    public async Task Backpressure_AppendersWait_WhenUnsyncedBytesReachBound()
    {
        var fs = new SimulatedFileSystem(seed: 11);
        var release = new ManualResetEventSlim(false);
        var entered = new ManualResetEventSlim(false);
        using var engine = LogEngine.Open(Options(fs, segmentSize: 1 << 20) with { MaxUnsyncedBytes = 4096 });
        fs.BeforeSync = _ =>
        {
            entered.Set();
            release.Wait();
        };

        var first = engine.WriteAsync(new Recorder().Append(1, 1, 1, new byte[3000]).Batch);
        entered.Wait();
        var second = engine.WriteAsync(new Recorder().Append(2, 1, 1, new byte[3000]).Batch);

        Assert.False(second.IsCompleted);
        Assert.True(engine.Stats.UnsyncedBytes <= 4096, $"{engine.Stats.UnsyncedBytes} bytes unsynced");
        using var cancel = new CancellationTokenSource();
        var cancelled = engine.WriteAsync(new Recorder().Append(3, 1, 1, new byte[3000]).Batch, cancel.Token);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);

        release.Set();
        await first;
        await second;
        Assert.Null(engine.GetGroup(3));
        Assert.Equal(1UL, engine.GetGroup(2)!.Value.LastIndex);
    }

    [Fact]
    public async Task Recovery_ReadsFramesLargerThanItsReadWindow_AndFramesAcrossWindowEdges()
    {
        var fs = new SimulatedFileSystem(seed: 13);
        var model = new LogModel();
        var random = new Random(13);
        var options = Options(fs, segmentSize: 24 << 20);
        using (var engine = LogEngine.Open(options))
        {
            ulong next = 1;
            for (int round = 0; round < 6; round++)
            {
                // Several appends in flight form batches of a few MiB whose frames (up to 1.2 MB) outgrow the window and straddle its edges.
                var writes = new List<Task>();
                for (int a = 0; a < 4; a++)
                {
                    var recorder = new Recorder();
                    int count = random.Next(1, 5);
                    for (int i = 0; i < count; i++)
                    {
                        recorder.Append(1, next++, 1, Recorder.Payload(random, 300_000));
                    }

                    writes.Add(engine.WriteAsync(recorder.Batch));
                    model.Apply(recorder.Operations);
                }

                await Task.WhenAll(writes);
            }
        }

        using var reopened = LogEngine.Open(options);
        model.AssertMatches(reopened, "reopened");
    }

    [Fact]
    public async Task Recovery_CommitFrameWhoseHeaderEndsTheReadWindow_IsReadAfterTheWindowMoves()
    {
        // Recovery reads a window of RecoveryBufferSize bytes from offset 0. One entry of this size puts the first
        // batch's commit frame 25 bytes before the window's end: its header is in the window, the rest is not, so
        // the window moves while the frame is being read.
        const int WindowEnd = LogEngine.RecoveryBufferSize;
        const int Payload = WindowEnd - 25 - 32 - 44;
        var fs = new SimulatedFileSystem(seed: 14);
        var model = new LogModel();
        var options = Options(fs, segmentSize: 2 * WindowEnd);
        using (var engine = LogEngine.Open(options))
        {
            var first = new Recorder().Append(1, 1, 1, Enumerable.Repeat((byte)7, Payload).ToArray());
            await engine.WriteAsync(first.Batch);
            model.Apply(first.Operations);
            Assert.Equal(WindowEnd - 25 + LogFormat.CommitFrameSize, engine.WriteOffset);
            var second = new Recorder().Append(1, 2, 1, [2]);
            await engine.WriteAsync(second.Batch);
            model.Apply(second.Operations);
        }

        using var reopened = LogEngine.Open(options);
        model.AssertMatches(reopened, "reopened");
    }

    [Fact]
    public async Task PhysicalFiles_RoundTrip_WithRealSync()
    {
        string directory = Directory.CreateTempSubdirectory("vectron-log-").FullName;
        try
        {
            var model = new LogModel();
            var options = new LogEngineOptions { Directory = directory, SegmentSize = 64 << 10 };
            var random = new Random(12);
            using (var engine = LogEngine.Open(options))
            {
                for (ulong i = 1; i <= 300; i++)
                {
                    var recorder = new Recorder().Append(i % 3, (i + 2) / 3, 1, Recorder.Payload(random, 500));
                    await engine.WriteAsync(recorder.Batch);
                    model.Apply(recorder.Operations);
                }
            }

            using var reopened = LogEngine.Open(options);
            model.AssertMatches(reopened, "reopened");
            Assert.True(reopened.Recovery.Segments > 1);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
