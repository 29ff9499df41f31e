using Microsoft.Extensions.Logging;
using Vectron.Rpc.Client;

namespace Vectron.Rpc.Raft;

/// <summary>Settings of an <see cref="RpcRaftTransport"/>. Validated when the transport is created.</summary>
public sealed record RpcRaftTransportOptions
{
    /// <summary>Batches waiting per destination node; a batch sent while the queue is full is dropped and reported unreachable. Default 1024.</summary>
    public int QueueLimit { get; init; } = 1024;

    /// <summary>The first reconnect delay after a stream broke; it doubles per failure in a row, with jitter. Default 50 ms.</summary>
    public TimeSpan ReconnectBackoffMin { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>The largest reconnect delay. Default 2 s.</summary>
    public TimeSpan ReconnectBackoffMax { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The most message bytes (protobuf size) in one wire batch; a larger host batch travels as several. Default 2 MiB.</summary>
    public int MaxWireBatchBytes { get; init; } = 2 << 20;

    /// <summary>Payload bytes per snapshot chunk. Default 1 MiB.</summary>
    public int SnapshotChunkBytes { get; init; } = 1 << 20;

    /// <summary>Snapshot payload bytes per second, over all snapshot streams of this node (0: unlimited). Default 64 MiB/s.</summary>
    public long SnapshotBytesPerSecond { get; init; } = 64L << 20;

    /// <summary>Snapshot streams sending at once; more wait their turn. Default 2.</summary>
    public int MaxConcurrentSnapshots { get; init; } = 2;

    /// <summary>How often a broken snapshot stream is resumed (asking the receiver where) before the send is reported failed. Default 3.</summary>
    public int SnapshotResumeAttempts { get; init; } = 3;

    /// <summary>How long one snapshot stream (or one resume question) may take before it counts as broken. Default 5 min.</summary>
    public TimeSpan SnapshotStreamTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The channels' settings (keep-alive pings notice a dead peer). Null: defaults with a 64 MiB send limit and no
    /// circuit breaker (the transport does its own backoff).
    /// </summary>
    public RpcChannelOptions? ChannelOptions { get; init; }

    /// <summary>The clock for backoff, throttling and timeouts.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Logging; null: none.</summary>
    public ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad setting.</summary>
    public void Validate()
    {
        Check(QueueLimit > 0, nameof(QueueLimit), "must be positive");
        Check(ReconnectBackoffMin > TimeSpan.Zero, nameof(ReconnectBackoffMin), "must be positive");
        Check(ReconnectBackoffMax >= ReconnectBackoffMin, nameof(ReconnectBackoffMax), "must be at least ReconnectBackoffMin");
        Check(MaxWireBatchBytes > 0, nameof(MaxWireBatchBytes), "must be positive");
        Check(SnapshotChunkBytes > 0, nameof(SnapshotChunkBytes), "must be positive");
        Check(SnapshotBytesPerSecond >= 0, nameof(SnapshotBytesPerSecond), "must not be negative");
        Check(MaxConcurrentSnapshots > 0, nameof(MaxConcurrentSnapshots), "must be positive");
        Check(SnapshotResumeAttempts >= 0, nameof(SnapshotResumeAttempts), "must not be negative");
        Check(SnapshotStreamTimeout > TimeSpan.Zero, nameof(SnapshotStreamTimeout), "must be positive");
        ArgumentNullException.ThrowIfNull(TimeProvider);
    }

    private static void Check(bool valid, string name, string rule)
    {
        if (!valid)
        {
            throw new ArgumentException($"{name} {rule}", name);
        }
    }
}
