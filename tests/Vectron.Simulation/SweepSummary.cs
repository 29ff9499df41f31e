namespace Vectron.Simulation;

/// <summary>What a sweep over many seeds did and found, added up.</summary>
internal sealed class SweepSummary
{
    private readonly List<SimulationResult> _failures = [];

    /// <summary>Runs finished.</summary>
    public long Runs { get; private set; }

    /// <summary>Faults injected over every run, by kind.</summary>
    public FaultCounts Faults { get; } = new();

    /// <summary>Violations found over every run.</summary>
    public long Violations { get; private set; }

    /// <summary>Client operations answered over every run.</summary>
    public long CompletedOperations { get; private set; }

    /// <summary>Client operations whose outcome stayed unknown, over every run.</summary>
    public long UnknownOperations { get; private set; }

    /// <summary>Entries committed over every run.</summary>
    public long CommittedEntries { get; private set; }

    /// <summary>Histories the checker could not decide within its budget, over every run.</summary>
    public long UndecidedHistories { get; private set; }

    /// <summary>Warnings the hosts logged with an exception, over every run.</summary>
    public long HostWarnings { get; private set; }

    /// <summary>The runs that found a violation, in seed order.</summary>
    public IReadOnlyList<SimulationResult> Failures => _failures;

    /// <summary>Adds one run.</summary>
    public void Add(SimulationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        Runs++;
        Faults.Add(result.Faults);
        Violations += result.Violations.Count;
        CompletedOperations += result.CompletedOperations;
        UnknownOperations += result.UnknownOperations;
        CommittedEntries += result.CommittedEntries;
        UndecidedHistories += result.UndecidedHistories;
        HostWarnings += result.HostWarnings;
        if (!result.Passed)
        {
            _failures.Add(result);
        }
    }

    /// <summary>One line: runs, faults, operations and violations.</summary>
    public override string ToString() =>
        $"{Runs} runs, {Faults.Total} faults ({Faults}), {CompletedOperations} operations answered, {UnknownOperations} unknown, "
        + $"{CommittedEntries} entries committed, {UndecidedHistories} histories undecided, {HostWarnings} host warnings, {Violations} violations in {_failures.Count} runs";
}
