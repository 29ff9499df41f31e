using System.Globalization;
using Vectron.Storage.Files;
using Vectron.Storage.Log;

namespace Vectron.Storage.CrashWriter;

/// <summary>
/// Opens the log at <c>--dir</c> on the real file system and writes planned batches until killed, printing
/// <c>ready &lt;first-batch&gt; ok</c> once open and <c>ack &lt;batch&gt; ok</c> after each batch is durable.
/// Exit codes: 2 bad arguments, 1 any failure (details on stderr); it never exits on its own otherwise.
/// With <c>--fail-sync-after N</c> it instead writes to a simulated disk whose syncs fail with EIO after N batches,
/// keeping the engine's default fatal-error handler, which must stop the process.
/// </summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Length == 2 && args[0] == "--fail-sync-after")
        {
            return await FailSyncAsync(int.Parse(args[1], CultureInfo.InvariantCulture));
        }

        WriterArguments arguments;
        try
        {
            arguments = WriterArguments.Parse(args);
        }
        catch (Exception error) when (error is ArgumentException or FormatException or OverflowException)
        {
            await Console.Error.WriteLineAsync(error.Message + Environment.NewLine + WriterArguments.Usage);
            return 2;
        }

        try
        {
            using var engine = LogEngine.Open(new LogEngineOptions
            {
                Directory = arguments.Directory,
                SegmentSize = arguments.SegmentSize,
                MaxUnsyncedBytes = 64L << 20,
            });
            using var output = new StreamWriter(Console.OpenStandardOutput()) { AutoFlush = false };
            var writer = new WorkloadWriter(engine, arguments.Workload, arguments.FirstBatch, output);
            writer.Print(string.Create(CultureInfo.InvariantCulture, $"ready {arguments.FirstBatch} ok"));
            await writer.RunAsync(arguments.Writers);
            return 1;
        }
        catch (Exception error)
        {
            await Console.Error.WriteLineAsync($"crash writer failed: {error}");
            return 1;
        }
    }

    // Syncs fail with EIO once the log is open and 'batches' batches are durable; the default OnFatalError must stop
    // the process before the failed write returns, so reaching the end of this method is a failure (exit 1).
    private static async Task<int> FailSyncAsync(int batches)
    {
        var fs = new SimulatedFileSystem(seed: 1);
        using var engine = LogEngine.Open(new LogEngineOptions { Directory = "/log", FileSystem = fs, SegmentSize = 1 << 20, PreallocateSegments = false });
        long allowed = fs.SyncCount + batches;
        fs.InjectError = (operation, _) => operation == SimulatedOperation.Sync && fs.SyncCount >= allowed ? 5 : null;
        for (ulong index = 1; ; index++)
        {
            var batch = new WriteBatch();
            batch.Append(1, index, 1, new byte[] { 1, 2, 3 });
            try
            {
                await engine.WriteAsync(batch);
            }
            catch (StorageFailedException error)
            {
                await Console.Error.WriteLineAsync($"the write failed and the process is still running: {error.Message}");
                return 1;
            }

            await Console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"ack {index} ok"));
        }
    }
}
