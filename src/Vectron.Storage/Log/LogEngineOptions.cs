using Vectron.Storage.Files;

namespace Vectron.Storage.Log;

/// <summary>Settings of a <see cref="LogEngine"/>.</summary>
public sealed record LogEngineOptions
{
    /// <summary>The directory holding the manifest and segments (created if missing).</summary>
    public required string Directory { get; init; }

    /// <summary>The file system; the real one unless a test injects faults.</summary>
    public IFileSystem FileSystem { get; init; } = PhysicalFileSystem.Instance;

    /// <summary>Bytes per segment file (default 64 MiB). A batch larger than this gets a segment of its own.</summary>
    public long SegmentSize { get; init; } = 64L << 20;

    /// <summary>Bytes accepted but not yet synced before appenders wait (default 64 MiB).</summary>
    public long MaxUnsyncedBytes { get; init; } = 64L << 20;

    /// <summary>Whether segments are created ahead of need on a background task (default true; tests of exact crash points turn it off).</summary>
    public bool PreallocateSegments { get; init; } = true;

    /// <summary>
    /// Called once when a write or sync fails. After a failed fsync the page cache can no longer be trusted, so the
    /// default prints the error and stops the process; tests replace it to observe the failure.
    /// </summary>
    public Action<Exception> OnFatalError { get; init; } = DefaultFatalError;

    /// <summary>The clock for latency measurements.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(Directory);
        if (SegmentSize < 4096)
        {
            throw new ArgumentOutOfRangeException(nameof(SegmentSize), SegmentSize, "a segment must be at least 4096 bytes");
        }

        if (MaxUnsyncedBytes < 4096)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxUnsyncedBytes), MaxUnsyncedBytes, "the unsynced byte bound must be at least 4096 bytes");
        }
    }

    private static void DefaultFatalError(Exception error)
    {
        string message = $"vectron: FATAL: the write-ahead log could not make data durable and the process must stop: {error.Message}";
        Console.Error.WriteLine(message);
        Environment.FailFast(message, error);
    }
}

/// <summary>What opening a log found and repaired.</summary>
/// <param name="Segments">Segments read.</param>
/// <param name="Batches">Whole batches replayed.</param>
/// <param name="Bytes">Bytes of frames replayed.</param>
/// <param name="Groups">Groups with state.</param>
/// <param name="TornTail">The incomplete batch cut from the end of the log (never acknowledged), if there was one.</param>
/// <param name="RemovedFiles">Files in the directory the manifest did not list (segments made ahead of need, a manifest being replaced), removed.</param>
/// <param name="Duration">Time spent opening.</param>
public sealed record LogRecoveryReport(int Segments, long Batches, long Bytes, int Groups, TornTail? TornTail, IReadOnlyList<string> RemovedFiles, TimeSpan Duration);

/// <summary>An incomplete batch found at the end of the log and cut away.</summary>
/// <param name="File">The segment file.</param>
/// <param name="Offset">Where the incomplete batch began (the new end of the log).</param>
/// <param name="Reason">What was wrong with it.</param>
public sealed record TornTail(string File, long Offset, string Reason);

/// <summary>Counters of a running engine.</summary>
/// <param name="Batches">Batches written (one per sync).</param>
/// <param name="Syncs">File syncs issued by the writer.</param>
/// <param name="BytesWritten">Bytes written to segments.</param>
/// <param name="Segments">Live segments.</param>
/// <param name="UnsyncedBytes">Bytes accepted and not yet durable.</param>
/// <param name="SyncTime">Time the writer spent in file syncs.</param>
public readonly record struct LogEngineStats(long Batches, long Syncs, long BytesWritten, int Segments, long UnsyncedBytes, TimeSpan SyncTime);
