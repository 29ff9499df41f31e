namespace Vectron.Cli.Tests.Bench;

public sealed class LoadClientRuntimeTests
{
    [Theory]
    [InlineData(true, "bench", "raft", "--processes", "--clients", "1")]
    [InlineData(true, "bench", "raft", "--clients", "1", "--processes", "--vs-etcd")]
    [InlineData(true, "bench", "failover", "--kills", "20")]
    [InlineData(false, "bench", "raft", "--clients", "1")]
    [InlineData(false, "bench", "rest")]
    [InlineData(false, "serve")]
    [InlineData(false, "bench")]
    [InlineData(false)]
    public void OnlyTheMultiProcessBenchmarks_TurnTheSpinOff(bool expected, params string[] args)
    {
        Assert.Equal(expected, LoadClientRuntime.DrivesProcesses(args));
    }
}
