using System.Diagnostics;
using System.Globalization;
using Vectron.Simulation;

namespace Vectron.Cli.Simulate;

/// <summary>
/// <c>vectron simulate</c>: runs the deterministic cluster simulation (tests/Vectron.Simulation) for consecutive
/// seeds and prints each failing run with its replay command, then the runs, the faults injected by kind and the
/// violations found. Exits with <see cref="ViolationExitCode"/> when any run found a violation.
/// </summary>
/// <param name="options">The command line.</param>
/// <param name="output">Where results go.</param>
/// <param name="diagnostics">Where progress goes.</param>
/// <param name="template">The options every run starts from (tests switch on an unsafe mode here; the command line cannot).</param>
internal sealed class SimulateCommand(SimulateOptions options, TextWriter output, TextWriter diagnostics, SimulationOptions? template = null)
{
    /// <summary>The exit code of a simulation that found a violation.</summary>
    public const int ViolationExitCode = 3;

    public int Run()
    {
        ulong last = options.FirstSeed + (ulong)options.Seeds - 1;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"simulating seeds {options.FirstSeed}..{last}, {options.FaultTicks} ticks of faults each"));
        var simulation = (template ?? new SimulationOptions()) with { FaultTicks = options.FaultTicks, HistoryDirectory = options.HistoryDirectory };
        var stopwatch = Stopwatch.StartNew();
        int step = Math.Max(1, options.Seeds / 10);
        var summary = SimulationSweep.Run(options.FirstSeed, options.Seeds, simulation, result =>
        {
            if (!result.Passed)
            {
                output.Write("FAILED ");
                output.Write(result.Describe());
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  replay: vectron simulate --seed {result.Seed}"));
            }

            ulong done = result.Seed - options.FirstSeed + 1;
            if (done % (ulong)step == 0 && done < (ulong)options.Seeds)
            {
                diagnostics.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{done} of {options.Seeds} runs, {stopwatch.Elapsed.TotalSeconds:F0} s"));
            }
        });

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"runs: {summary.Runs} ({stopwatch.Elapsed.TotalSeconds:F1} s)"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"operations: {summary.CompletedOperations} answered, {summary.UnknownOperations} unknown; {summary.CommittedEntries} entries committed; {summary.HostWarnings} host warnings"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"faults injected: {summary.Faults.Total}"));
        foreach (var kind in Enum.GetValues<FaultKind>())
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {kind,-20} {summary.Faults[kind],10}"));
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"violations: {summary.Violations}"));
        output.WriteLine(summary.Failures.Count == 0
            ? "failing seeds: none"
            : "failing seeds: " + string.Join(' ', summary.Failures.Select(failure => failure.Seed.ToString(CultureInfo.InvariantCulture))));
        return summary.Failures.Count == 0 ? 0 : ViolationExitCode;
    }
}
