using System.Diagnostics;
using System.Text.Json;
using Vectron.Storage.Files;
using Vectron.Storage.Log;

namespace Vectron.Cli.Bench;

/// <summary>
/// <c>vectron bench log</c>: synced appends through the log engine from concurrent writers, then a plain loop of
/// <c>write</c> + <c>fdatasync</c> of the same batch sizes on the same disk, and optionally the time to open (recover)
/// a large log against reading its files sequentially twice. Prints one JSON object.
/// </summary>
internal sealed class LogBenchCommand(LogBenchOptions options, TextWriter output, TextWriter diagnostics)
{
    public int Run()
    {
        bool ownDirectory = options.Directory is null;
        string root = options.Directory ?? System.IO.Directory.CreateTempSubdirectory("vectron-bench-log-").FullName;
        try
        {
            var logRuns = new List<LogRun>();
            var rawRuns = new List<double>();
            for (int rep = 0; rep < options.Repetitions; rep++)
            {
                var log = RunLog(Path.Combine(root, $"log-{rep}"));
                logRuns.Add(log);
                diagnostics.WriteLine($"rep {rep + 1}: log {log.EntriesPerSecond:F0} entries/s, {log.DiskBytesPerSecond / 1e6:F1} MB/s written, {log.SyncsPerSecond:F0} syncs/s, batch {log.MeanBatchBytes:F0} B, writer in fdatasync {log.SyncBusy:P0} of the time");
                double raw = RunRaw(Path.Combine(root, $"raw-{rep}"), (int)Math.Max(1, Math.Round(log.MeanBatchBytes)));
                rawRuns.Add(raw);
                diagnostics.WriteLine($"rep {rep + 1}: raw write+fdatasync {raw / 1e6:F1} MB/s");
            }

            RecoveryRun? recovery = options.RecoveryMegabytes > 0 ? RunRecovery(Path.Combine(root, "recovery")) : null;
            Report(logRuns, rawRuns, recovery);
            return 0;
        }
        finally
        {
            if (ownDirectory)
            {
                System.IO.Directory.Delete(root, recursive: true);
            }
        }
    }

    private LogRun RunLog(string directory)
    {
        using var engine = LogEngine.Open(new LogEngineOptions { Directory = directory, SegmentSize = (long)options.SegmentMegabytes << 20 });
        var payload = new byte[options.EntrySize];
        new Random(42).NextBytes(payload);
        var groups = new GroupCursor[options.Groups];
        for (int g = 0; g < groups.Length; g++)
        {
            groups[g] = new GroupCursor((ulong)g + 1);
        }

        // Warm up (JIT, first segment) for a fifth of the time, untimed; then the timed phase.
        RunWriters(engine, groups, payload, options.Seconds / 5, latencies: null);
        var before = engine.Stats;
        var latencies = new List<double>[options.Writers];
        var stopwatch = Stopwatch.StartNew();
        long entries = RunWriters(engine, groups, payload, options.Seconds, latencies);
        double seconds = stopwatch.Elapsed.TotalSeconds;
        var after = engine.Stats;
        double[] all = [.. latencies.SelectMany(l => l)];
        long batches = after.Batches - before.Batches;
        return new LogRun(
            entries / seconds,
            entries * (double)options.EntrySize / seconds,
            (after.BytesWritten - before.BytesWritten) / seconds,
            (after.SyncTime - before.SyncTime).TotalSeconds / seconds,
            (after.Syncs - before.Syncs) / seconds,
            batches == 0 ? 0 : (after.BytesWritten - before.BytesWritten) / (double)batches,
            LatencyStatistics.Percentile(all, 50),
            LatencyStatistics.Percentile(all, 99));
    }

    private long RunWriters(LogEngine engine, GroupCursor[] groups, byte[] payload, double seconds, List<double>[]? latencies)
    {
        long deadline = Stopwatch.GetTimestamp() + (long)(seconds * Stopwatch.Frequency);
        var tasks = new Task<long>[options.Writers];
        for (int w = 0; w < tasks.Length; w++)
        {
            var cursor = groups[w % groups.Length];
            var samples = new List<double>(1 << 16);
            if (latencies is not null)
            {
                latencies[w] = samples;
            }

            tasks[w] = Task.Run(async () =>
            {
                var batch = new WriteBatch(payload.Length + 64);
                long written = 0;

                // At least one append each, so a writer the thread pool starts late (a loaded machine) still has a sample.
                do
                {
                    batch.Clear();
                    long began = Stopwatch.GetTimestamp();
                    Task write;

                    // Writers sharing a group take the next index and queue in the same order.
                    lock (cursor)
                    {
                        batch.Append(cursor.Group, cursor.Next, 1, payload);
                        write = engine.WriteAsync(batch);
                        cursor.Next++;
                    }

                    await write.ConfigureAwait(false);
                    samples.Add(Stopwatch.GetElapsedTime(began).TotalMilliseconds);
                    written++;
                }
                while (Stopwatch.GetTimestamp() < deadline);

                return written;
            });
        }

        Task.WaitAll(tasks);
        return tasks.Sum(t => t.Result);
    }

    // The same disk, the same batch size, no engine: write a batch at the end of a preallocated file, fdatasync, repeat.
    private double RunRaw(string directory, int batchBytes)
    {
        System.IO.Directory.CreateDirectory(directory);
        var fs = PhysicalFileSystem.Instance;
        long segmentSize = (long)options.SegmentMegabytes << 20;
        var block = new byte[batchBytes];
        new Random(7).NextBytes(block);
        long written = 0;
        int fileNumber = 0;
        IStorageFile? file = null;
        long offset = 0;
        var stopwatch = Stopwatch.StartNew();
        try
        {
            do
            {
                if (file is null || offset + batchBytes > segmentSize)
                {
                    file?.Dispose();
                    file = fs.OpenFile(Path.Combine(directory, $"raw-{fileNumber++}"), FileOpenMode.CreateNew);
                    file.Allocate(segmentSize);
                    offset = 0;
                }

                file.Write(offset, block);
                file.Sync();
                offset += batchBytes;
                written += batchBytes;
            }
            while (stopwatch.Elapsed.TotalSeconds < options.Seconds);

            return written / stopwatch.Elapsed.TotalSeconds;
        }
        finally
        {
            file?.Dispose();
        }
    }

    private RecoveryRun RunRecovery(string directory)
    {
        long target = (long)options.RecoveryMegabytes << 20;
        var payload = new byte[options.EntrySize];
        new Random(11).NextBytes(payload);
        var logOptions = new LogEngineOptions { Directory = directory, SegmentSize = (long)options.SegmentMegabytes << 20 };
        using (var engine = LogEngine.Open(logOptions))
        {
            // Fill fast: many entries per append, several groups, a few appends in flight.
            int perAppend = Math.Max(1, (1 << 20) / Math.Max(1, options.EntrySize + 12));
            var next = new ulong[Math.Min(options.Groups, 64)];
            Array.Fill(next, 1UL);
            var entries = new LogEntry[perAppend];
            var inFlight = new Queue<Task>();
            long bytes = 0;
            int group = 0;
            while (bytes < target)
            {
                for (int i = 0; i < perAppend; i++)
                {
                    entries[i] = new LogEntry(next[group] + (ulong)i, 1, payload);
                }

                var batch = new WriteBatch(perAppend * (options.EntrySize + 12) + 64);
                batch.Append((ulong)group + 1, entries);
                next[group] += (ulong)perAppend;
                inFlight.Enqueue(engine.WriteAsync(batch));
                if (inFlight.Count >= 8)
                {
                    inFlight.Dequeue().GetAwaiter().GetResult();
                }

                bytes += batch.ByteCount;
                group = (group + 1) % next.Length;
            }

            Task.WaitAll([.. inFlight]);
        }

        long logBytes = System.IO.Directory.GetFiles(directory).Sum(f => new FileInfo(f).Length);
        var stopwatch = Stopwatch.StartNew();
        LogRecoveryReport report;
        using (var reopened = LogEngine.Open(logOptions))
        {
            report = reopened.Recovery;
        }

        double open = stopwatch.Elapsed.TotalSeconds;
        stopwatch.Restart();
        long read = ReadAll(directory) + ReadAll(directory);
        double twice = stopwatch.Elapsed.TotalSeconds;
        diagnostics.WriteLine($"recovery: {report.Batches} batches, {report.Bytes / 1e6:F0} MB in {open:F3} s; two sequential reads of {read / 2 / 1e6:F0} MB in {twice:F3} s");
        return new RecoveryRun(report.Bytes, logBytes, open, twice);
    }

    private static long ReadAll(string directory)
    {
        var buffer = new byte[4 << 20];
        long total = 0;
        foreach (string path in System.IO.Directory.GetFiles(directory).Order(StringComparer.Ordinal))
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.SequentialScan);
            int read;
            while ((read = stream.Read(buffer)) > 0)
            {
                total += read;
            }
        }

        return total;
    }

    private void Report(List<LogRun> logRuns, List<double> rawRuns, RecoveryRun? recovery)
    {
        double diskBytesPerSecond = LatencyStatistics.Median(logRuns.Select(r => r.DiskBytesPerSecond));
        double raw = LatencyStatistics.Median(rawRuns);
        new JsonLineWriter(output).WriteLine(json =>
        {
            json.WriteString("benchmark", "log");
            json.WriteNumber("writers", options.Writers);
            json.WriteNumber("entry_size", options.EntrySize);
            json.WriteNumber("groups", options.Groups);
            json.WriteNumber("seconds", options.Seconds);
            json.WriteNumber("reps", options.Repetitions);
            json.WriteNumber("entries_per_sec", Math.Round(LatencyStatistics.Median(logRuns.Select(r => r.EntriesPerSecond))));
            json.WriteNumber("bytes_per_sec", Math.Round(diskBytesPerSecond));
            json.WriteNumber("payload_bytes_per_sec", Math.Round(LatencyStatistics.Median(logRuns.Select(r => r.BytesPerSecond))));
            json.WriteNumber("writer_sync_busy", LatencyStatistics.RoundSignificant(LatencyStatistics.Median(logRuns.Select(r => r.SyncBusy)), 4));
            json.WriteNumber("fsyncs_per_sec", Math.Round(LatencyStatistics.Median(logRuns.Select(r => r.SyncsPerSecond)), 1));
            json.WriteNumber("mean_batch_bytes", Math.Round(LatencyStatistics.Median(logRuns.Select(r => r.MeanBatchBytes))));
            json.WriteNumber("p50_ms", LatencyStatistics.RoundSignificant(LatencyStatistics.Median(logRuns.Select(r => r.P50)), 4));
            json.WriteNumber("p99_ms", LatencyStatistics.RoundSignificant(LatencyStatistics.Median(logRuns.Select(r => r.P99)), 4));
            json.WriteNumber("raw_bytes_per_sec", Math.Round(raw));
            json.WriteNumber("log_vs_raw", LatencyStatistics.RoundSignificant(diskBytesPerSecond / raw, 4));
            if (recovery is { } r)
            {
                WriteRecovery(json, r);
            }
        });
    }

    private static void WriteRecovery(Utf8JsonWriter json, RecoveryRun run)
    {
        json.WriteNumber("recovery_log_bytes", run.LogBytes);
        json.WriteNumber("recovery_replayed_bytes", run.ReplayedBytes);
        json.WriteNumber("recovery_open_sec", LatencyStatistics.RoundSignificant(run.OpenSeconds, 4));
        json.WriteNumber("sequential_read_twice_sec", LatencyStatistics.RoundSignificant(run.ReadTwiceSeconds, 4));
        json.WriteNumber("recovery_vs_read_twice", LatencyStatistics.RoundSignificant(run.OpenSeconds / run.ReadTwiceSeconds, 4));
    }

    private sealed class GroupCursor(ulong group)
    {
        public ulong Group { get; } = group;

        public ulong Next { get; set; } = 1;
    }

    private readonly record struct LogRun(double EntriesPerSecond, double BytesPerSecond, double DiskBytesPerSecond, double SyncBusy, double SyncsPerSecond, double MeanBatchBytes, double P50, double P99);

    private readonly record struct RecoveryRun(long ReplayedBytes, long LogBytes, double OpenSeconds, double ReadTwiceSeconds);
}
