using Vectron.Storage.Files;
using Vectron.Storage.Log;
using Xunit.Sdk;

namespace Vectron.Storage.Tests.Log;

/// <summary>
/// Crashes the simulated machine at every file-system operation of one log operation (append, rotation, suffix
/// truncation, prefix drop with segment deletion), reboots, reopens, and checks: an acknowledged write is fully
/// there; an unacknowledged one is fully there or fully absent; the log accepts writes again.
/// </summary>
public sealed class LogCrashPointTests
{
    public static TheoryData<string> Operations => ["append", "rotation", "truncation", "prefix-drop"];

    [Theory]
    [MemberData(nameof(Operations))]
    public async Task CrashAtEveryOperation_LeavesBatchWhollyPresentOrAbsent(string operation)
    {
        int points = 0;
        for (int seed = 1; seed <= 4; seed++)
        {
            for (int crashAfter = 0; ; crashAfter++)
            {
                bool finished = await RunOnce(operation, seed, crashAfter);
                points++;
                if (finished)
                {
                    break;
                }
            }
        }

        Assert.True(points > 8, $"{operation}: only {points} crash points");
    }

    private static async Task<bool> RunOnce(string operation, int seed, int crashAfter)
    {
        string context = $"operation={operation} seed={seed} crashAfter={crashAfter}";
        var fs = new SimulatedFileSystem(seed);
        var fatal = new List<Exception>();
        var options = LogEngineTests.Options(fs, segmentSize: 4096, fatal: fatal);
        var model = new LogModel();
        var random = new Random(seed);
        var engine = LogEngine.Open(options);
        ulong next2 = 1;

        // Setup, acknowledged before any crash: three groups, two of them in several segments.
        for (int i = 0; i < 12; i++)
        {
            var recorder = new Recorder()
                .Append(1, (ulong)i + 1, 1, Recorder.Payload(random, 200))
                .Append(2, next2++, 1, Recorder.Payload(random, 50))
                .HardState(3, new HardState((ulong)i, 1, 0));
            await engine.WriteAsync(recorder.Batch);
            model.Apply(recorder.Operations);
        }

        var before = model.Clone();
        var change = operation switch
        {
            "append" => new Recorder().Append(1, 13, 2, Recorder.Payload(random, 200)).Append(2, next2, 2, [7]).HardState(1, new HardState(2, 1, 12)),
            "rotation" => new Recorder().Append(1, 13, 2, new byte[3000]).Append(2, next2, 2, [7]),
            "truncation" => new Recorder().Truncate(1, 10).Append(1, 10, 2, [1, 2, 3]).HardState(1, new HardState(2, 2, 9)),
            "prefix-drop" => new Recorder().Compact(1, 12, 1).Compact(2, next2 - 1, 1).HardState(1, new HardState(1, 1, 12)),
            _ => throw new ArgumentOutOfRangeException(nameof(operation)),
        };
        var after = model.Clone();
        after.Apply(change.Operations);

        fs.CrashAfter(crashAfter);
        bool acknowledged;
        try
        {
            await engine.WriteAsync(change.Batch);
            acknowledged = true;
        }
        catch (StorageFailedException)
        {
            acknowledged = false;
        }

        bool finished = !fs.Halted;
        engine.Dispose();
        Assert.True(acknowledged == (fatal.Count == 0), $"{context}: acknowledged={acknowledged} but {fatal.Count} fatal errors");
        fs.Crash();

        using var reopened = LogEngine.Open(options);
        if (acknowledged)
        {
            after.AssertMatches(reopened, context + " (acknowledged)");
        }
        else if (!Matches(before, reopened))
        {
            after.AssertMatches(reopened, context + " (neither before nor after)");
        }

        // The log takes writes again and keeps them.
        ulong group1Next = reopened.GetGroup(1)!.Value.LastIndex + 1;
        await reopened.WriteAsync(new WriteBatch().Also(b => b.Append(1, group1Next, 5, new byte[] { 42 })));
        var read = new List<LogEntry>();
        Assert.True(reopened.ReadEntries(1, group1Next, group1Next + 1, long.MaxValue, read) == LogReadStatus.Ok && read.Count == 1, context + ": write after recovery");
        return finished;
    }

    private static bool Matches(LogModel model, LogEngine engine)
    {
        try
        {
            model.AssertMatches(engine, string.Empty);
            return true;
        }
        catch (XunitException)
        {
            return false;
        }
    }
}

internal static class BatchExtensions
{
    public static WriteBatch Also(this WriteBatch batch, Action<WriteBatch> fill)
    {
        fill(batch);
        return batch;
    }
}
