namespace Vectron.Server.Node;

/// <summary>Settings of a single-node <see cref="VectronNode"/>.</summary>
public sealed record NodeOptions
{
    /// <summary>The data directory (created if missing): <c>log/</c>, <c>snapshots/</c> and the lock file.</summary>
    public required string DataDirectory { get; init; }

    /// <summary>Real time per Raft tick; a one-member group elects itself within 10–20 ticks of starting.</summary>
    public TimeSpan TickInterval { get; init; } = TimeSpan.FromMilliseconds(10);

    /// <summary>A shard or placement group takes a snapshot after this many applied commands.</summary>
    public long SnapshotEveryEntries { get; init; } = 500;

    /// <summary>… or once the commands applied since its last snapshot hold this many bytes (0: no byte limit), so a restart replays at most about this much log per group.</summary>
    public long SnapshotEveryBytes { get; init; } = 64L << 20;

    /// <summary>How long a write or read waits for a group that has no leader yet (or is busy) before answering "unavailable".</summary>
    public TimeSpan UnavailableAfter { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Shards per collection when a create request names none.</summary>
    public int DefaultShardNumber { get; init; } = Environment.ProcessorCount;

    /// <summary>Size of each log segment file.</summary>
    public long LogSegmentSize { get; init; } = 64L << 20;

    /// <summary>The clock (ticks, retry back-off, request timing).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
