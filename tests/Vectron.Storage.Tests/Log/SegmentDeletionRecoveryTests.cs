using Vectron.Storage.Files;
using Vectron.Storage.Log;

namespace Vectron.Storage.Tests.Log;

/// <summary>Reopening a log whose oldest segments were deleted (found by <see cref="CrashProcessTests"/>).</summary>
public sealed class SegmentDeletionRecoveryTests
{
    // Recovery accepts a gap before a group's first retained entries frame only in the oldest segment
    // (LogEngine.ApplyFrame: '_recoveringOldestSegment && group.Frames.Count == 0'). Here group 1's first retained frame
    // is in segment 3 while the oldest is segment 2, so a clean reopen throws LogCorruptionException.
    [Fact]
    public async Task Reopen_Succeeds_WhenAGroupsFirstRetainedFrameIsInASegmentAfterTheOldest()
    {
        var fs = new SimulatedFileSystem(seed: 9);
        var model = new LogModel();
        using (var engine = LogEngine.Open(LogEngineTests.Options(fs, segmentSize: 4096)))
        {
            foreach (var recorder in new[]
            {
                // Segment 1: group 1 entries 1..2 and group 2 entry 1.
                new Recorder().Append(1, 1, 1, new byte[100]).Append(1, 2, 1, new byte[100]).Append(2, 1, 1, new byte[3000]),

                // Segment 2: group 2 only; segment 3: group 1's entry 3.
                new Recorder().Append(2, 2, 1, new byte[3000]),
                new Recorder().Append(1, 3, 1, new byte[3000]),

                // Nothing in segment 1 is retained any more: it is deleted and segment 2 becomes the oldest.
                new Recorder().Compact(1, 2, 1).Compact(2, 1, 1),
            })
            {
                await engine.WriteAsync(recorder.Batch);
                model.Apply(recorder.Operations);
            }

            Assert.Equal(2, engine.Stats.Segments);
            model.AssertMatches(engine, "running");
        }

        Assert.False(fs.FileExists("/node/log/00000000000000000001.wal"));
        using var reopened = LogEngine.Open(LogEngineTests.Options(fs, segmentSize: 4096));
        model.AssertMatches(reopened, "reopened");
    }
}
