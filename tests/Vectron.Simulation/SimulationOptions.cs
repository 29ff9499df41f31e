namespace Vectron.Simulation;

/// <summary>
/// The shape of a simulated run. The seed decides everything else (how many hosts, which faults when); these options
/// decide how long a run lasts, how often faults strike and how the hosts are configured.
/// </summary>
internal sealed record SimulationOptions
{
    /// <summary>Simulated milliseconds per Raft tick.</summary>
    public const int TickMilliseconds = 10;

    /// <summary>The fewest hosts a run starts with.</summary>
    public int MinHosts { get; init; } = 3;

    /// <summary>The most hosts a run starts with.</summary>
    public int MaxHosts { get; init; } = 5;

    /// <summary>The most hosts a run may ever have, counting those added to replace members (ids are never reused).</summary>
    public int HostLimit { get; init; } = 7;

    /// <summary>Raft groups, each a key-value store with its own clients.</summary>
    public int Groups { get; init; } = 3;

    /// <summary>Clients per group, each with one operation outstanding at a time.</summary>
    public int ClientsPerGroup { get; init; } = 3;

    /// <summary>Keys per group the clients choose from.</summary>
    public int KeysPerGroup { get; init; } = 2;

    /// <summary>Ticks of the fault phase, during which faults strike and clients run.</summary>
    public int FaultTicks { get; init; } = 300;

    /// <summary>After every fault healed, the ticks within which every group must commit a new write.</summary>
    public int LivenessTicks { get; init; } = 300;

    /// <summary>How often faults strike.</summary>
    public FaultRates Faults { get; init; } = FaultRates.Default;

    /// <summary>Ticks between a leader's heartbeats.</summary>
    public int HeartbeatTicks { get; init; } = 1;

    /// <summary>The election timeout in ticks.</summary>
    public int ElectionTicks { get; init; } = 10;

    /// <summary>Ticks of inactivity after which a group quiesces (0: never).</summary>
    public int QuiesceAfterTicks { get; init; } = 25;

    /// <summary>Ticks after which a host gives up on a client operation.</summary>
    public int OperationTimeoutTicks { get; init; } = 20;

    /// <summary>Ticks a simulated client waits for one host's answer before it retries through another.</summary>
    public int AttemptTimeoutTicks { get; init; } = 8;

    /// <summary>Ticks after which a simulated client gives up on an operation and records its outcome as unknown.</summary>
    public int ClientTimeoutTicks { get; init; } = 40;

    /// <summary>Applied entries between snapshots (small: snapshots and log compaction happen all the time).</summary>
    public long SnapshotEveryEntries { get; init; } = 16;

    /// <summary>Entries kept behind a snapshot, so lagging followers often need the snapshot.</summary>
    public ulong CompactionOverhead { get; init; } = 4;

    /// <summary>A deliberate bug in the clients, to show it is caught (<see cref="UnsafeMode.None"/> in normal runs).</summary>
    public UnsafeMode Unsafe { get; init; } = UnsafeMode.None;

    /// <summary>Where failing histories are written; the temporary directory when null.</summary>
    public string? HistoryDirectory { get; init; }

    /// <summary>The most search steps the linearizability checker spends on one key.</summary>
    public long MaxCheckStepsPerKey { get; init; } = 2_000_000;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad setting.</summary>
    public void Validate()
    {
        if (MinHosts < 3 || MaxHosts < MinHosts || HostLimit < MaxHosts)
        {
            throw new ArgumentException($"need 3 <= MinHosts ({MinHosts}) <= MaxHosts ({MaxHosts}) <= HostLimit ({HostLimit})");
        }

        if (Groups < 1 || ClientsPerGroup < 1 || KeysPerGroup < 1 || FaultTicks < 0 || LivenessTicks < 1)
        {
            throw new ArgumentException("Groups, ClientsPerGroup, KeysPerGroup and LivenessTicks must be positive, FaultTicks not negative");
        }

        if (AttemptTimeoutTicks < 1 || ClientTimeoutTicks < AttemptTimeoutTicks || MaxCheckStepsPerKey < 1)
        {
            throw new ArgumentException($"need 1 <= AttemptTimeoutTicks ({AttemptTimeoutTicks}) <= ClientTimeoutTicks ({ClientTimeoutTicks}) and a positive MaxCheckStepsPerKey");
        }
    }
}
