using System.Text.Json;
using Vectron.Cli.Bench;
using Vectron.Cli.CommandLine;

namespace Vectron.Cli.Tests.Bench;

public sealed class RpcBenchCommandTests
{
    [Fact]
    public void Run_Short_PrintsUnaryAndStreamFigures()
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int exit = CliApplication.Run(["bench", "rpc", "--callers", "1,4", "--seconds", "0.2", "--reps", "1", "--stream-mb", "4"], stdout, stderr);

        Assert.True(exit == 0, stderr.ToString());
        var lines = stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(3, lines.Count);
        Assert.Equal([1, 4], lines.Take(2).Select(l => l.GetProperty("callers").GetInt32()));
        foreach (var unary in lines.Take(2))
        {
            foreach (string field in (string[])["calls_per_sec", "p50_ms", "p99_ms", "raw_http2_requests_per_sec", "rpc_vs_raw_http2"])
            {
                Assert.True(unary.GetProperty(field).GetDouble() > 0, $"{field} in {unary}");
            }
        }

        Assert.Equal("rpc-stream", lines[2].GetProperty("benchmark").GetString());
        Assert.True(lines[2].GetProperty("mb_per_sec").GetDouble() > 0);
    }

    [Fact]
    public void Parse_RejectsBadCallers()
    {
        Assert.Throws<CliException>(() => RpcBenchOptions.Parse(["--callers", "0"]));
        Assert.Throws<CliException>(() => RpcBenchOptions.Parse(["--callers", "1.5"]));
        Assert.Equal([2, 8], RpcBenchOptions.Parse(["--callers", "2,8"]).Callers);
    }
}
