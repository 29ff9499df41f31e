namespace Vectron.Simulation;

/// <summary>
/// How often faults strike during a run's fault phase, as chances per tick (per mille) and bounds. Network conditions
/// change in spells: each tick may start a new spell of loss, duplication and delay, or end the current one.
/// </summary>
internal sealed record FaultRates
{
    /// <summary>The rates the CI runs and <c>vectron simulate</c> use.</summary>
    public static FaultRates Default { get; } = new();

    /// <summary>No faults at all (a fault-free baseline).</summary>
    public static FaultRates None { get; } = new()
    {
        NetworkSpell = 0,
        Partition = 0,
        Crash = 0,
        Pause = 0,
        SlowDisk = 0,
        Membership = 0,
        LeaderTransfer = 0,
    };

    /// <summary>Per mille per tick: the network's loss, duplication and delay change.</summary>
    public int NetworkSpell { get; init; } = 30;

    /// <summary>The most packets per mille lost while a lossy spell lasts.</summary>
    public int MaxDropPerMille { get; init; } = 150;

    /// <summary>The most packets per mille duplicated while a spell lasts.</summary>
    public int MaxDuplicatePerMille { get; init; } = 50;

    /// <summary>The most packets per mille held back (delayed and reordered) while a spell lasts.</summary>
    public int MaxDelayPerMille { get; init; } = 200;

    /// <summary>Per mille per tick: a partition starts (symmetric, asymmetric or partial) or, if one holds, heals.</summary>
    public int Partition { get; init; } = 25;

    /// <summary>Per mille per tick: a host goes down (a plain crash, a torn log write, or a disk error).</summary>
    public int Crash { get; init; } = 12;

    /// <summary>Ticks a crashed host stays down, at most.</summary>
    public int MaxDowntimeTicks { get; init; } = 60;

    /// <summary>Per mille per tick: a host freezes (half the time the leader of some group).</summary>
    public int Pause { get; init; } = 8;

    /// <summary>Ticks a frozen host stays frozen, at most.</summary>
    public int MaxPauseTicks { get; init; } = 40;

    /// <summary>Per mille per tick: a host's disk turns slow, or a slow one recovers.</summary>
    public int SlowDisk { get; init; } = 10;

    /// <summary>The most milliseconds a slow disk adds to each fsync.</summary>
    public int MaxSyncDelay { get; init; } = 40;

    /// <summary>Per mille per tick and group: a membership change is proposed.</summary>
    public int Membership { get; init; } = 15;

    /// <summary>Per mille per tick and group: the leader is asked to hand over leadership.</summary>
    public int LeaderTransfer { get; init; } = 5;
}
