using Vectron.Cli.Import;

namespace Vectron.Cli.Tests.Import;

public sealed class ImportProgressTests
{
    private sealed class StepTime : TimeProvider
    {
        public long Ticks { get; set; }

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Ticks;
    }

    [Fact]
    public void Format_ShowsBarPercentRateAndEta()
    {
        var progress = new ImportProgress(TextWriter.Null, new StepTime(), terminal: false, startPoints: 0);
        string line = progress.Format(2_500, 10_000, 0.25, TimeSpan.FromSeconds(5));
        Assert.Equal("[######..................]  25.0%  2,500/10,000 points  500 points/s  ETA 0:15  elapsed 0:05", line);
    }

    [Fact]
    public void Format_ResumedRun_CountsOnlyThisRunsPointsInTheRate()
    {
        var progress = new ImportProgress(TextWriter.Null, new StepTime(), terminal: false, startPoints: 5_000);
        string line = progress.Format(6_000, 10_000, 0.6, TimeSpan.FromSeconds(10));
        Assert.Contains("100 points/s", line, StringComparison.Ordinal);
        Assert.Contains("ETA 0:40", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Format_UnknownTotal_ExtrapolatesFromTheFileFraction()
    {
        var progress = new ImportProgress(TextWriter.Null, new StepTime(), terminal: false, startPoints: 0);
        string line = progress.Format(100, null, 0.2, TimeSpan.FromSeconds(60));
        Assert.Contains(" 100 points ", line, StringComparison.Ordinal);
        Assert.Contains("ETA 4:00", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Report_NotATerminal_PrintsALineOnlyEveryLogInterval()
    {
        var time = new StepTime();
        var writer = new StringWriter();
        var progress = new ImportProgress(writer, time, terminal: false, startPoints: 0);
        progress.Report(10, 100, 0.1);
        time.Ticks += ImportProgress.LogInterval.Ticks - 1;
        progress.Report(20, 100, 0.2);
        Assert.Equal(string.Empty, writer.ToString());
        time.Ticks += 1;
        progress.Report(30, 100, 0.3);
        Assert.Single(writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("30/100", writer.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Report_Terminal_RedrawsInPlace()
    {
        var time = new StepTime();
        var writer = new StringWriter();
        var progress = new ImportProgress(writer, time, terminal: true, startPoints: 0);
        time.Ticks += ImportProgress.TerminalInterval.Ticks;
        progress.Report(10, 100, 0.1);
        progress.Finish(100, 100, 1);
        string text = writer.ToString();
        Assert.StartsWith("\r[", text, StringComparison.Ordinal);
        Assert.Equal(2, text.Count(c => c == '\r'));
        Assert.EndsWith(Environment.NewLine, text, StringComparison.Ordinal);
        Assert.Contains("100.0%", text, StringComparison.Ordinal);
    }
}
