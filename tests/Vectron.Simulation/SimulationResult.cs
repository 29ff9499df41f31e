using System.Globalization;
using System.Text;

namespace Vectron.Simulation;

/// <summary>What one simulated run did and found.</summary>
internal sealed record SimulationResult
{
    /// <summary>The seed the run is a pure function of (with its options).</summary>
    public required ulong Seed { get; init; }

    /// <summary>Hosts at the end (started plus added for membership changes).</summary>
    public required int Hosts { get; init; }

    /// <summary>Everything found wrong; empty for a passing run.</summary>
    public required IReadOnlyList<Violation> Violations { get; init; }

    /// <summary>Faults injected, by kind.</summary>
    public required FaultCounts Faults { get; init; }

    /// <summary>Client operations answered.</summary>
    public required long CompletedOperations { get; init; }

    /// <summary>Client operations given up on (outcome unknown).</summary>
    public required long UnknownOperations { get; init; }

    /// <summary>Entries committed, all groups.</summary>
    public required long CommittedEntries { get; init; }

    /// <summary>Distinct (group, term) leaderships seen.</summary>
    public required int Leaderships { get; init; }

    /// <summary>Groups whose history the checker could not decide within its step budget (not a violation).</summary>
    public required int UndecidedHistories { get; init; }

    /// <summary>Warnings the hosts logged with an exception (messages the Raft core refused); not violations, but worth a look.</summary>
    public required int HostWarnings { get; init; }

    /// <summary>Simulated milliseconds the run lasted.</summary>
    public required long SimulatedMilliseconds { get; init; }

    /// <summary>The hash of everything the run did: two runs of one seed and options give the same hash.</summary>
    public required ulong TraceHash { get; init; }

    /// <summary>Files holding the histories found not linearizable.</summary>
    public required IReadOnlyList<string> HistoryFiles { get; init; }

    /// <summary>Whether nothing was found wrong.</summary>
    public bool Passed => Violations.Count == 0;

    /// <summary>A one-line summary.</summary>
    public string Summary => string.Create(CultureInfo.InvariantCulture,
        $"seed {Seed}: {(Passed ? "ok" : $"{Violations.Count} violation(s)")}, {Hosts} hosts, {SimulatedMilliseconds / 1000.0:F1} s simulated, "
        + $"{CompletedOperations} ops answered, {UnknownOperations} unknown, {CommittedEntries} entries committed, {Leaderships} leaderships, "
        + $"{(HostWarnings > 0 ? $"{HostWarnings} host warnings, " : string.Empty)}faults: {Faults}, trace {TraceHash:x16}");

    /// <summary>The summary, then every violation and history file on its own line.</summary>
    public string Describe()
    {
        var text = new StringBuilder(Summary).Append('\n');
        foreach (var violation in Violations)
        {
            text.Append("  ").Append(violation).Append('\n');
        }

        foreach (string file in HistoryFiles)
        {
            text.Append("  history: ").Append(file).Append('\n');
        }

        return text.ToString();
    }
}
