using System.Globalization;
using Vectron.Storage.Log;

namespace Vectron.Storage.CrashWriter;

/// <summary>
/// Opens the log at <c>--dir</c> on the real file system and writes planned batches until killed, printing
/// <c>ready &lt;first-batch&gt; ok</c> once open and <c>ack &lt;batch&gt; ok</c> after each batch is durable.
/// Exit codes: 2 bad arguments, 1 any failure (details on stderr); it never exits on its own otherwise.
/// </summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
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
}
