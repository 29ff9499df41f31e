using Vectron.Storage.Files;
using Vectron.Storage.Log;

namespace Vectron.Storage.Tests.Log;

public sealed class LogRecoveryTests
{
    private static LogEngineOptions Options(IFileSystem fs) => LogEngineTests.Options(fs, segmentSize: 1 << 20);

    // Batch A holds one frame of every kind a batch can hold; batch B follows it.
    private static async Task<(LogModel Model, string Segment, long AStart, long AEnd, long End)> WriteTwoBatches(SimulatedFileSystem fs)
    {
        var model = new LogModel();
        using var engine = LogEngine.Open(Options(fs));
        var setup = new Recorder().Append(1, 1, 1, [1, 1]).Append(1, 2, 1, [2, 2]).Append(1, 3, 1, [3]).Append(1, 4, 1, [4]);
        await engine.WriteAsync(setup.Batch);
        model.Apply(setup.Operations);
        long aStart = engine.WriteOffset;
        var a = new Recorder().Append(1, 5, 2, [5, 5, 5]).HardState(1, new HardState(2, 1, 4)).Truncate(1, 5).Compact(1, 2, 1);
        await engine.WriteAsync(a.Batch);
        model.Apply(a.Operations);
        long aEnd = engine.WriteOffset;
        var b = new Recorder().Append(1, 5, 3, [9]);
        await engine.WriteAsync(b.Batch);
        model.Apply(b.Operations);
        return (model, engine.NewestSegmentPath, aStart, aEnd, engine.WriteOffset);
    }

    [Fact]
    public async Task BitFlip_InAnyByteOfAnyFrameKind_BeforeALaterBatch_IsReportedWithFileAndOffset()
    {
        for (int seed = 0; seed < 3; seed++)
        {
            var fs = new SimulatedFileSystem(seed);
            var (_, segment, aStart, aEnd, _) = await WriteTwoBatches(fs);
            var pristine = fs.ReadAllBytes(segment);
            for (long offset = aStart; offset < aEnd; offset++)
            {
                int bit = (int)((offset + seed) % 8);
                fs.FlipBit(segment, offset, bit);
                var error = Assert.Throws<LogCorruptionException>(() => LogEngine.Open(Options(fs)).Dispose());
                Assert.True(error.File == segment, $"seed={seed} offset={offset}: {error.Message}");
                Assert.True(error.Offset >= aStart && error.Offset < aEnd, $"seed={seed} flip at {offset}: reported offset {error.Offset} outside batch [{aStart}, {aEnd}): {error.Message}");
                fs.FlipBit(segment, offset, bit);
                Assert.Equal(pristine, fs.ReadAllBytes(segment));
            }
        }
    }

    [Fact]
    public async Task BitFlip_InLastBatch_BeforeItsIntactCommitFrame_IsCorruption()
    {
        var fs = new SimulatedFileSystem(seed: 1);
        var (_, segment, _, aEnd, end) = await WriteTwoBatches(fs);
        Assert.True(end > aEnd + 25);
        fs.FlipBit(segment, aEnd + 25, 3);

        var error = Assert.Throws<LogCorruptionException>(() => LogEngine.Open(Options(fs)).Dispose());
        Assert.Equal(segment, error.File);
        Assert.Equal(aEnd, error.Offset);
        Assert.Contains("commit frame", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TornTail_IncompleteLastBatch_IsCutAndReported_ThenLogContinues()
    {
        var fs = new SimulatedFileSystem(seed: 2);
        var (model, segment, _, _, end) = await WriteTwoBatches(fs);

        // The frames of a batch whose commit frame never reached the disk.
        var partial = new Recorder().Append(1, 6, 3, new byte[700]).Append(1, 7, 3, new byte[10]).Batch;
        using (var file = fs.OpenFile(segment, FileOpenMode.OpenExisting))
        {
            file.Write(end, partial.Bytes.Span[..(partial.ByteCount - 5)]);
            file.Sync();
        }

        var model2 = model.Clone();
        using (var engine = LogEngine.Open(Options(fs)))
        {
            Assert.NotNull(engine.Recovery.TornTail);
            Assert.Equal(end, engine.Recovery.TornTail!.Offset);
            Assert.Equal(segment, engine.Recovery.TornTail.File);
            model.AssertMatches(engine, "after cut");
            var next = new Recorder().Append(1, 6, 4, [6]);
            await engine.WriteAsync(next.Batch);
            model2.Apply(next.Operations);
        }

        using var reopened = LogEngine.Open(Options(fs));
        Assert.Null(reopened.Recovery.TornTail);
        model2.AssertMatches(reopened, "after cut and append");
    }

    [Fact]
    public async Task TornTail_LastBatchWithLostSector_ButIntactCommit_IsCut()
    {
        var fs = new SimulatedFileSystem(seed: 3);
        var (model, segment, _, _, end) = await WriteTwoBatches(fs);

        // A batch spanning sectors whose middle sector never reached the disk, though its commit frame did.
        var batch = new Recorder().Append(1, 6, 3, Enumerable.Repeat((byte)0xAB, 1500).ToArray()).Batch;
        var bytes = batch.Bytes.ToArray();
        var commit = new byte[LogFormat.CommitFrameSize];
        LogFormat.WriteCommit(commit, 4, 1, bytes.Length);
        var all = bytes.Concat(commit).ToArray();
        long lostSector = ((end / 512) + 1) * 512;
        for (long i = lostSector; i < lostSector + 512; i++)
        {
            all[i - end] = 0;
        }

        using (var file = fs.OpenFile(segment, FileOpenMode.OpenExisting))
        {
            file.Write(end, all);
            file.Sync();
        }

        using var engine = LogEngine.Open(Options(fs));
        Assert.Equal(end, engine.Recovery.TornTail?.Offset);
        model.AssertMatches(engine, "torn batch cut");
    }

    [Fact]
    public async Task DamageInOlderSegment_IsCorruption_EvenInItsLastBatch()
    {
        var fs = new SimulatedFileSystem(seed: 4);
        string firstSegment;
        using (var engine = LogEngine.Open(LogEngineTests.Options(fs, segmentSize: 4096)))
        {
            firstSegment = engine.NewestSegmentPath;
            for (ulong index = 1; engine.NewestSegmentPath == firstSegment; index++)
            {
                await engine.WriteAsync(new Recorder().Append(1, index, 1, new byte[300]).Batch);
            }
        }

        // Flip a bit in the last batch of the first segment: it is the newest batch there, but a newer segment follows.
        var bytes = fs.ReadAllBytes(firstSegment);
        int lastFrame = Array.FindLastIndex(bytes, b => b != 0) - 40;
        fs.FlipBit(firstSegment, lastFrame, 1);
        var error = Assert.Throws<LogCorruptionException>(() => LogEngine.Open(LogEngineTests.Options(fs, segmentSize: 4096)).Dispose());
        Assert.Equal(firstSegment, error.File);
        Assert.Contains("newer segments follow", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DamagedManifest_OrMissingSegment_IsAnError()
    {
        var fs = new SimulatedFileSystem(seed: 5);
        await WriteTwoBatches(fs);
        fs.FlipBit("/node/log/MANIFEST", 17, 0);
        var error = Assert.Throws<LogCorruptionException>(() => LogEngine.Open(Options(fs)).Dispose());
        Assert.Contains("MANIFEST", error.File, StringComparison.Ordinal);
        fs.FlipBit("/node/log/MANIFEST", 17, 0);

        fs.DeleteFile("/node/log/" + LogFormat.SegmentName(1));
        error = Assert.Throws<LogCorruptionException>(() => LogEngine.Open(Options(fs)).Dispose());
        Assert.Contains("missing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingManifest_WithSegmentData_IsAnError()
    {
        var fs = new SimulatedFileSystem(seed: 6);
        await WriteTwoBatches(fs);
        fs.DeleteFile("/node/log/MANIFEST");

        var error = Assert.Throws<LogCorruptionException>(() => LogEngine.Open(Options(fs)).Dispose());
        Assert.Contains("manifest is missing", error.Message, StringComparison.Ordinal);
    }
}
