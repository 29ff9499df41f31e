using Vectron.Cli.CommandLine;
using Vectron.Cli.Simulate;
using Vectron.Simulation;

namespace Vectron.Cli.Tests.Simulate;

public sealed class SimulateCommandTests
{
    [Fact]
    public void Run_FewSeeds_PrintsRunsFaultsAndViolations_AndSucceeds()
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        int exit = CliApplication.Run(["simulate", "--seeds", "2", "--seed", "5", "--ticks", "100"], stdout, stderr);

        string text = stdout.ToString();
        Assert.True(exit == 0, text + stderr);
        Assert.Contains("simulating seeds 5..6", text, StringComparison.Ordinal);
        Assert.Contains("runs: 2 ", text, StringComparison.Ordinal);
        Assert.Matches(@"faults injected: [1-9]\d*\n", text.ReplaceLineEndings("\n"));
        Assert.Matches(@"  MessageDropped +\d+", text);
        Assert.Contains("violations: 0", text, StringComparison.Ordinal);
        Assert.Contains("failing seeds: none", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_WithAViolation_PrintsTheSeedAndReplay_AndFails()
    {
        var stdout = new StringWriter();
        using var directory = new TempDirectory();
        var options = SimulateOptions.Parse(["--seeds", "1", "--seed", "1", "--ticks", "100", "--history-dir", directory.Path]);

        int exit = new SimulateCommand(options, stdout, new StringWriter(), new SimulationOptions { Unsafe = UnsafeMode.LocalReads }).Run();

        string text = stdout.ToString();
        Assert.Equal(SimulateCommand.ViolationExitCode, exit);
        Assert.Contains("FAILED seed 1:", text, StringComparison.Ordinal);
        Assert.Contains("Linearizability", text, StringComparison.Ordinal);
        Assert.Contains("replay: vectron simulate --seed 1", text, StringComparison.Ordinal);
        Assert.Contains("failing seeds: 1", text, StringComparison.Ordinal);
        Assert.NotEmpty(Directory.GetFiles(directory.Path, "seed-1-group-*.history.txt"));
    }

    [Fact]
    public void Parse_SeedAlone_ReplaysOneSeed_AndRejectsBadArguments()
    {
        var replay = SimulateOptions.Parse(["--seed", "42"]);
        Assert.Equal((1, 42UL), (replay.Seeds, replay.FirstSeed));
        var sweep = SimulateOptions.Parse(["--seeds", "1000"]);
        Assert.Equal((1000, 1UL, 300), (sweep.Seeds, sweep.FirstSeed, sweep.FaultTicks));
        Assert.Throws<CliException>(() => SimulateOptions.Parse(["--seeds", "0"]));
        Assert.Throws<CliException>(() => SimulateOptions.Parse(["--seed", "-1"]));
        Assert.Throws<CliException>(() => SimulateOptions.Parse(["--unsafe", "1"]));
    }

    [Fact]
    public void Help_ListsTheCommandAndItsOptions()
    {
        var root = new StringWriter();
        var help = new StringWriter();

        Assert.Equal(0, CliApplication.Run(["--help"], root, new StringWriter()));
        Assert.Equal(0, CliApplication.Run(["simulate", "--help"], help, new StringWriter()));

        Assert.Contains("simulate", root.ToString(), StringComparison.Ordinal);
        Assert.Contains("--seeds N", help.ToString(), StringComparison.Ordinal);
        Assert.Contains("--seed S", help.ToString(), StringComparison.Ordinal);
    }
}
