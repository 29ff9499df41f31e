using System.Text.Json;
using Vectron.Cli.Bench;

namespace Vectron.Cli.Tests.Bench;

public sealed class FilterBenchCommandTests
{
    private const int BaseCount = 800;

    // Small enough to run in well under a second: no JIT warm-up, one timed pass per path.
    private static readonly string[] TinyRun =
    [
        "bench", "filter", "--synthetic-n", "800", "--synthetic-dim", "8", "--queries", "20", "--selectivities", "0.5,0.02,0.1",
        "--m", "8", "--ef-construct", "40", "--ef", "32", "--k", "10", "--threads", "2", "--min-seconds", "0", "--jit-warmup", "0",
    ];

    [Fact]
    public void Run_Synthetic_PrintsOneLinePerSelectivityInOrder_ThenTheCrossover()
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        int exit = CliApplication.Run(TinyRun, stdout, stderr);

        Assert.True(exit == 0, stderr.ToString());
        List<JsonElement> lines = stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonDocument.Parse(line).RootElement.Clone()).ToList();
        Assert.Equal(4, lines.Count);

        double[] selectivities = [0.02, 0.1, 0.5];
        for (int i = 0; i < selectivities.Length; i++)
        {
            JsonElement line = lines[i];
            Assert.Equal("selectivity", line.GetProperty("event").GetString());
            Assert.Equal(("synthetic", BaseCount, 20, 10, 32), (line.GetProperty("dataset").GetString(), line.GetProperty("n").GetInt32(),
                line.GetProperty("queries").GetInt32(), line.GetProperty("k").GetInt32(), line.GetProperty("ef").GetInt32()));
            Assert.Equal(selectivities[i], line.GetProperty("selectivity").GetDouble());
            Assert.Equal(new KeyHashFilter(selectivities[i], null).CountAdmitted(BaseCount), line.GetProperty("admitted").GetInt64());
            foreach (string rate in (string[])["qps_graph", "qps_exact", "qps_planner"])
            {
                Assert.True(line.GetProperty(rate).GetDouble() > 0, rate);
            }

            // Every admitted count is far below FlatSearchThreshold (4,000), so the planner scans,
            // and a scan's results are the ground truth itself.
            Assert.Equal("exact", line.GetProperty("planner_path").GetString());
            Assert.Equal(1.0, line.GetProperty("recall_planner").GetDouble());
            Assert.InRange(line.GetProperty("recall_graph").GetDouble(), 0.8, 1.0);
        }

        JsonElement crossover = lines[3];
        Assert.Equal("crossover", crossover.GetProperty("event").GetString());
        Assert.Equal(4_000, crossover.GetProperty("flat_search_threshold").GetInt32());
        AssertCrossoverMatchesRows(crossover, lines.Take(3).ToList());
    }

    [Fact]
    public void Run_Table_PrintsHeaderOneRowPerSelectivityAndTheCrossover()
    {
        var stdout = new StringWriter();

        int exit = CliApplication.Run([.. TinyRun, "--table"], stdout, new StringWriter());

        Assert.Equal(0, exit);
        string[] lines = stdout.ToString().ReplaceLineEndings("\n").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("dataset   synthetic Gaussian mixture (seed 20240601): 800 vectors x 8 dims, 20 queries, l2", lines[0], StringComparison.Ordinal);
        int heading = Array.FindIndex(lines, l => l.Contains("QPS planner", StringComparison.Ordinal));
        Assert.Equal(["0.02", "0.1", "0.5"], lines[(heading + 2)..(heading + 5)].Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0]));
        Assert.All(lines[(heading + 2)..(heading + 5)], row => Assert.Equal(lines[heading].Length, row.Length));
        Assert.StartsWith("crossover: ", lines[^1], StringComparison.Ordinal);
        Assert.EndsWith("FlatSearchThreshold is 4,000.", lines[^1], StringComparison.Ordinal);
    }

    private static void AssertCrossoverMatchesRows(JsonElement crossover, List<JsonElement> rows)
    {
        // Timings vary from run to run; what must hold is that the crossover line describes the rows:
        // the graph faster from graph_faster_selectivity on, and not at exact_faster_selectivity.
        JsonElement graphFrom = crossover.GetProperty("graph_faster_selectivity");
        JsonElement exactUpTo = crossover.GetProperty("exact_faster_selectivity");
        Assert.False(graphFrom.ValueKind == JsonValueKind.Null && exactUpTo.ValueKind == JsonValueKind.Null);
        foreach (JsonElement row in rows)
        {
            double selectivity = row.GetProperty("selectivity").GetDouble();
            bool graphFaster = row.GetProperty("qps_graph").GetDouble() > row.GetProperty("qps_exact").GetDouble();
            if (graphFrom.ValueKind != JsonValueKind.Null && selectivity >= graphFrom.GetDouble())
            {
                Assert.True(graphFaster, $"selectivity {selectivity}");
            }

            if (exactUpTo.ValueKind != JsonValueKind.Null && selectivity == exactUpTo.GetDouble())
            {
                Assert.False(graphFaster, $"selectivity {selectivity}");
                Assert.Equal(row.GetProperty("admitted").GetInt64(), crossover.GetProperty("exact_faster_admitted").GetInt64());
            }
        }
    }
}
