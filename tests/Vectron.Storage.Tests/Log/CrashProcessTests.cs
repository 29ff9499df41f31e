using System.Diagnostics;
using System.Globalization;
using System.Text;
using Vectron.Storage.CrashWriter;
using Vectron.Storage.Log;
using Xunit.Abstractions;

namespace Vectron.Storage.Tests.Log;

/// <summary>
/// Crash tests with real processes: a child (tests/Vectron.Storage.CrashWriter) appends random batches to a log on the
/// real file system and prints each acknowledged batch; the test SIGKILLs it at a point chosen by its progress, reopens
/// the log and checks it with <see cref="CrashLogChecker"/>. Set VECTRON_CRASH_SEED to replay a seed; for longer or
/// harsher runs set VECTRON_CRASH_ITERATIONS and VECTRON_CRASH_SEGMENT_SIZE (bytes, at least 4096).
/// </summary>
public sealed class CrashProcessTests : IDisposable
{
    private const ulong DefaultSeed = 20_250_611;
    private const int DefaultIterations = 60;
    private const long DefaultSegmentSize = 256 << 10;
    private const int MaxAcksBeforeKill = 40;
    private const int Writers = 4;

    // Not a logic timeout: only keeps a deadlocked child from hanging the run forever.
    private static readonly TimeSpan HangGuard = TimeSpan.FromMinutes(2);

    private readonly ITestOutputHelper _output;
    private readonly string _directory = Directory.CreateTempSubdirectory("vectron-crash-").FullName;
    private bool _keepDirectory;

    public CrashProcessTests(ITestOutputHelper output)
    {
        _output = output;
    }

    public void Dispose()
    {
        if (!_keepDirectory)
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public async Task CrashProcess_KilledWriter_KeepsEveryAcknowledgedBatch_AndNoBatchHalfPresent()
    {
        ulong seed = FromEnvironment("VECTRON_CRASH_SEED", DefaultSeed);
        int iterations = (int)FromEnvironment("VECTRON_CRASH_ITERATIONS", DefaultIterations);
        long segmentSize = (long)FromEnvironment("VECTRON_CRASH_SEGMENT_SIZE", DefaultSegmentSize);
        var settings = new WorkloadSettings(seed);
        string log = Path.Join(_directory, "log");
        var acknowledged = new HashSet<ulong>();
        ulong firstBatch = 1;
        int tornTails = 0;
        long highestOldestSegment = 1;
        _output.WriteLine($"seed={seed} (set VECTRON_CRASH_SEED to replay) iterations={iterations} segment size={segmentSize} log={log}");
        try
        {
            for (int iteration = 0; iteration < iterations; iteration++)
            {
                string context = $"seed={seed} segment-size={segmentSize} iteration={iteration}";

                // One in ten runs dies as soon as it is open, while its writers start; the rest after 1..40 acks.
                var random = SplitMix.For(seed, (ulong)iteration, 0xC4A5);
                int killAfterAcks = random.Next(10) == 0 ? 0 : 1 + random.Next(MaxAcksBeforeKill);
                var child = await RunUntilKilledAsync(settings, log, segmentSize, firstBatch, killAfterAcks, context);
                acknowledged.UnionWith(child.Acknowledged);

                var (recovery, result) = ReopenAndCheck(settings, log, segmentSize, acknowledged, context);
                if (recovery.TornTail is not null)
                {
                    tornTails++;
                }

                long oldest = OldestSegment(log);
                highestOldestSegment = Math.Max(highestOldestSegment, oldest);
                _output.WriteLine(
                    $"iteration {iteration}: first batch {firstBatch}, kill after {killAfterAcks} acks, {child.Acknowledged.Count} acks read, exit {child.ExitCode}; "
                    + $"reopened {recovery.Batches} log batches in {recovery.Segments} segments (oldest {oldest}), {result.PresentBatches} writer batches present, "
                    + $"{result.RetainedEntries} entries retained, torn tail: {recovery.TornTail?.Reason ?? "none"}");
                firstBatch = result.MaxBatchId + 1;
            }
        }
        catch
        {
            _keepDirectory = true;
            _output.WriteLine($"seed={seed}: the log is kept at {log} for inspection");
            throw;
        }

        _output.WriteLine($"seed={seed}: {iterations} kills, {acknowledged.Count} batches acknowledged, {tornTails} torn tails, oldest live segment reached {highestOldestSegment}");
    }

    private static (LogRecoveryReport Recovery, CrashCheckResult Result) ReopenAndCheck(WorkloadSettings settings, string log, long segmentSize, HashSet<ulong> acknowledged, string context)
    {
        try
        {
            using var engine = LogEngine.Open(new LogEngineOptions { Directory = log, SegmentSize = segmentSize });
            return (engine.Recovery, CrashLogChecker.Check(engine, settings, acknowledged, context));
        }
        catch (Exception error) when (error is LogCorruptionException or IOException or InvalidOperationException)
        {
            Assert.Fail($"{context}: the log could not be reopened or read after the kill: {error}");
            throw;
        }
    }

    private static ulong FromEnvironment(string name, ulong fallback)
    {
        string? text = Environment.GetEnvironmentVariable(name);
        return string.IsNullOrWhiteSpace(text) ? fallback : ulong.Parse(text, CultureInfo.InvariantCulture);
    }

    private static long OldestSegment(string log)
    {
        long oldest = long.MaxValue;
        foreach (string path in Directory.EnumerateFiles(log, "*.wal"))
        {
            oldest = Math.Min(oldest, long.Parse(Path.GetFileNameWithoutExtension(path), CultureInfo.InvariantCulture));
        }

        return oldest == long.MaxValue ? 0 : oldest;
    }

    // Starts the writer, reads its lines as they come, and kills it (SIGKILL) once it has acknowledged the given number
    // of batches (0: once it is open). Returns every batch it acknowledged, including lines still in the pipe.
    private static async Task<ChildRun> RunUntilKilledAsync(WorkloadSettings settings, string log, long segmentSize, ulong firstBatch, int killAfterAcks, string context)
    {
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Join(AppContext.BaseDirectory, "Vectron.Storage.CrashWriter.dll"));
        foreach (string argument in (string[])["--dir", log, "--first-batch", firstBatch.ToString(CultureInfo.InvariantCulture), "--writers", Writers.ToString(CultureInfo.InvariantCulture), "--segment-size", segmentSize.ToString(CultureInfo.InvariantCulture)])
        {
            start.ArgumentList.Add(argument);
        }

        foreach (string argument in settings.ToArguments())
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("the writer did not start");
        var errors = new StringBuilder();
        process.ErrorDataReceived += (_, line) =>
        {
            lock (errors)
            {
                errors.AppendLine(line.Data);
            }
        };
        process.BeginErrorReadLine();

        var acknowledged = new List<ulong>();
        bool ready = false;
        bool killed = false;
        using var hang = new CancellationTokenSource(HangGuard);
        try
        {
            while (await process.StandardOutput.ReadLineAsync(hang.Token) is string line)
            {
                string[] parts = line.Split(' ');
                if (parts is ["ack", var number, "ok"] && ulong.TryParse(number, CultureInfo.InvariantCulture, out ulong batch) && batch >= firstBatch)
                {
                    acknowledged.Add(batch);
                }
                else if (parts is ["ready", var first, "ok"] && first == firstBatch.ToString(CultureInfo.InvariantCulture))
                {
                    ready = true;
                }
                else
                {
                    Assert.Fail($"{context}: unexpected line from the writer (first batch {firstBatch}): '{line}'");
                }

                if (!killed && ready && acknowledged.Count >= killAfterAcks)
                {
                    process.Kill();
                    killed = true;
                }
            }

            await process.WaitForExitAsync(hang.Token);
        }
        catch (OperationCanceledException) when (hang.IsCancellationRequested)
        {
            Assert.Fail($"{context}: the writer made no progress for {HangGuard} (killed: {killed}, {acknowledged.Count} acks read)");
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
                await process.WaitForExitAsync(CancellationToken.None);
            }
        }

        if (!killed)
        {
            string stderr;
            lock (errors)
            {
                stderr = errors.ToString();
            }

            Assert.Fail($"{context}: the writer exited by itself with code {process.ExitCode} after {acknowledged.Count} acks: {stderr}");
        }

        return new ChildRun(acknowledged, process.ExitCode);
    }

    // The host running this test when it is dotnet itself, else the one the SDK names, else dotnet from PATH.
    internal static string DotnetHost()
    {
        string? current = Environment.ProcessPath;
        if (current is not null && Path.GetFileNameWithoutExtension(current) == "dotnet")
        {
            return current;
        }

        string? named = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        return string.IsNullOrEmpty(named) ? "dotnet" : named;
    }

    private sealed record ChildRun(List<ulong> Acknowledged, int ExitCode);
}
