using Microsoft.Extensions.Logging;

namespace Vectron.Raft.Hosting;

/// <summary>Configuration of a <see cref="RaftHost"/>. Validated when the host is created.</summary>
public sealed record RaftHostOptions
{
    /// <summary>This node's id: its member id in every group it hosts (non-zero, never reused).</summary>
    public required ulong NodeId { get; init; }

    /// <summary>Real time per Raft tick when the host runs its own loop (<see cref="RaftHost.Start"/>).</summary>
    public TimeSpan TickInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Ticks between a leader's heartbeats.</summary>
    public int HeartbeatTicks { get; init; } = 1;

    /// <summary>Election timeout in ticks (randomized in [E, 2E) per election).</summary>
    public int ElectionTicks { get; init; } = 10;

    /// <summary>Stop ticking a group after this many ticks without activity (see <see cref="RaftHost"/> on quiescence); 0 turns quiescence off.</summary>
    public int QuiesceAfterTicks { get; init; } = 30;

    /// <summary>A proposal, read, transfer or membership change not answered within this many ticks ends with <see cref="RaftOutcome.Timeout"/>.</summary>
    public int OperationTimeoutTicks { get; init; } = 50;

    /// <summary>Proposals are refused with <see cref="RaftOutcome.Busy"/> while a group has more committed entries than this waiting to apply.</summary>
    public int MaxApplyBacklog { get; init; } = 4096;

    /// <summary>Proposals are refused with <see cref="RaftOutcome.Busy"/> while the host has this many waiting for their result.</summary>
    public int MaxPendingProposals { get; init; } = 65536;

    /// <summary>Take a snapshot after this many entries were applied since the last one (0: never).</summary>
    public long SnapshotEveryEntries { get; init; } = 10_000;

    /// <summary>
    /// Also take a snapshot once the entries applied since the last one hold this many bytes of data (0: no byte
    /// limit). Bounds the log a restart replays when entries are large (a batch of high-dimensional vectors can be
    /// megabytes), which a count of entries alone does not.
    /// </summary>
    public long SnapshotEveryBytes { get; init; }

    /// <summary>Entries kept behind a snapshot when the log is compacted, so a slightly slow follower needs no snapshot.</summary>
    public ulong CompactionOverhead { get; init; } = 1_000;

    /// <summary>Client sessions remembered per group (least recently applied evicted first).</summary>
    public int MaxSessions { get; init; } = 4096;

    /// <summary>Results remembered per client session, for answering retries.</summary>
    public int ResultsPerSession { get; init; } = 64;

    /// <summary>Upper bound on the entry bytes of one append message.</summary>
    public long MaxMessageBytes { get; init; } = 1 << 20;

    /// <summary>
    /// Leaders leave a new commit index to the next append or tick instead of sending followers an append for it
    /// (<see cref="Core.RaftOptions.DeferCommitBroadcast"/>; default true): followers apply up to a tick later, and a
    /// lone write costs half the messages.
    /// </summary>
    public bool DeferCommitBroadcast { get; init; } = true;

    /// <summary>Seed of the election-timeout randomness (each group mixes in its id), so simulations are reproducible.</summary>
    public int RandomSeed { get; init; } = Environment.TickCount;

    /// <summary>The clock: tick timer and latency measurements.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Where committed entries are applied; null: the thread pool (<see cref="ThreadPoolApplyScheduler"/>).</summary>
    public IApplyScheduler? ApplyScheduler { get; init; }

    /// <summary>Logging; null: none.</summary>
    public ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad setting.</summary>
    public void Validate()
    {
        if (NodeId == 0)
        {
            throw new ArgumentException("NodeId must be non-zero");
        }
        if (TickInterval <= TimeSpan.Zero)
        {
            throw new ArgumentException($"TickInterval must be positive, not {TickInterval}");
        }
        if (HeartbeatTicks <= 0 || ElectionTicks <= HeartbeatTicks)
        {
            throw new ArgumentException($"need 0 < HeartbeatTicks ({HeartbeatTicks}) < ElectionTicks ({ElectionTicks})");
        }
        if (QuiesceAfterTicks != 0 && QuiesceAfterTicks <= 2 * ElectionTicks)
        {
            // A woken follower's pre-vote must keep its quiesced peers awake until their leader lease
            // expires (at most 2E ticks between pre-votes), or a dead leader is never replaced.
            throw new ArgumentException($"QuiesceAfterTicks ({QuiesceAfterTicks}) must exceed twice ElectionTicks ({ElectionTicks}), or be 0");
        }
        if (OperationTimeoutTicks <= 0 || MaxApplyBacklog <= 0 || MaxPendingProposals <= 0)
        {
            throw new ArgumentException("OperationTimeoutTicks, MaxApplyBacklog and MaxPendingProposals must be positive");
        }
        if (SnapshotEveryEntries < 0 || SnapshotEveryBytes < 0 || MaxSessions <= 0 || ResultsPerSession <= 0 || MaxMessageBytes <= 0)
        {
            throw new ArgumentException("SnapshotEveryEntries and SnapshotEveryBytes must not be negative; MaxSessions, ResultsPerSession and MaxMessageBytes must be positive");
        }
    }
}
