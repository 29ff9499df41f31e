using System.Diagnostics;
using Vectron.Cli.Bench.Processes;

namespace Vectron.Cli.Tests.Bench;

public sealed class ProcessTreeCpuTests
{
    [Fact]
    public void ParseStat_ReadsOwnAndReapedChildrensTime_AfterANameWithSpacesAndParentheses()
    {
        // utime 123, stime 45, cutime 6, cstime 2 ticks (fields 14–17) of a process named "a b) c".
        const string Stat = "4242 (a b) c) S 1 4242 4242 0 -1 4194560 500 0 0 0 123 45 6 2 20 0 7 0 100 1000 50";

        Assert.Equal(new ProcessTreeCpu.StatTimes(1680, 80), ProcessTreeCpu.ParseStat(Stat));
        Assert.Null(ProcessTreeCpu.ParseStat("4242 no parenthesis"));
        Assert.Null(ProcessTreeCpu.ParseStat("4242 (short) S 1 2"));
    }

    [Fact]
    public void SelfTime_OfThisProcess_AgreesWithTheRuntime()
    {
        // Burn a little CPU so both readings are well above the 10 ms resolution.
        var burn = Stopwatch.StartNew();
        double sink = 0;
        while (burn.ElapsedMilliseconds < 200)
        {
            sink += Math.Sqrt(burn.ElapsedTicks);
        }

        var before = Process.GetCurrentProcess().TotalProcessorTime;
        // Only the process's own time: other tests' child processes, running or reaped, would count in the rest.
        double? own = ProcessTreeCpu.Read(Environment.ProcessId)?.SelfMilliseconds;
        var after = Process.GetCurrentProcess().TotalProcessorTime;

        Assert.True(sink > 0);
        Assert.NotNull(own);
        // Same kernel counters, 10 ms ticks; other test threads run meanwhile, so allow a few ticks either side.
        Assert.InRange(own.Value, before.TotalMilliseconds - 50, after.TotalMilliseconds + 50);
        Assert.Null(ProcessTreeCpu.Total([int.MaxValue]));
    }

    [Fact]
    public void ReapedChildrensTime_IsKeptApartFromTheProcesssOwn()
    {
        double reapedBefore = ProcessTreeCpu.Read(Environment.ProcessId)!.Value.ReapedChildrenMilliseconds;
        // A child that burns ~200 ms of CPU in a shell loop, then exits and is waited for.
        var child = Process.Start(new ProcessStartInfo("/bin/sh")
        {
            ArgumentList = { "-c", "i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done" },
        })!;
        child.WaitForExit();
        var self = Process.GetCurrentProcess().TotalProcessorTime;
        var times = ProcessTreeCpu.Read(Environment.ProcessId)!.Value;

        Assert.Equal(0, child.ExitCode);
        // The child's time shows only among the reaped children's; the process's own stays what the runtime reports.
        Assert.True(times.ReapedChildrenMilliseconds - reapedBefore >= 100,
            $"reaped children's time grew by {times.ReapedChildrenMilliseconds - reapedBefore} ms");
        Assert.True(times.SelfMilliseconds <= self.TotalMilliseconds + 50,
            $"own {times.SelfMilliseconds} ms against the runtime's {self.TotalMilliseconds} ms");
    }
}
