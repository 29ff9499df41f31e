using Vectron.Cli.Bench;

namespace Vectron.Cli.Tests.Bench;

public sealed class FilterCrossoverTests
{
    private static FilterBenchResult Row(double selectivity, long admitted, double graph, double exact) =>
        new(selectivity, admitted, graph, exact, exact, PlannerScanned: true, RecallGraph: 1, RecallPlanner: 1);

    [Fact]
    public void Find_ReturnsTheRowsAroundTheSwitch_AndTheGeometricInterpolation()
    {
        FilterBenchResult[] rows =
        [
            Row(0.001, 10, 100, 1_000),
            Row(0.01, 100, 500, 1_000),
            Row(0.04, 400, 2_000, 1_000),
            Row(0.1, 1_000, 3_000, 900),
        ];

        FilterCrossover crossover = FilterCrossover.Find(rows);

        Assert.Same(rows[1], crossover.ExactFaster);
        Assert.Same(rows[2], crossover.GraphFaster);
        // Ratio 1/2 at 100 admitted and 2 at 400: equal halfway in log space, at 200.
        Assert.Equal(200, crossover.EstimatedAdmitted!.Value, 6);
    }

    [Fact]
    public void Find_IgnoresAGraphWinBelowAnExactWin()
    {
        FilterBenchResult[] rows = [Row(0.001, 10, 1_100, 1_000), Row(0.01, 100, 900, 1_000), Row(0.1, 1_000, 2_000, 1_000)];

        FilterCrossover crossover = FilterCrossover.Find(rows);

        Assert.Same(rows[1], crossover.ExactFaster);
        Assert.Same(rows[2], crossover.GraphFaster);
    }

    [Fact]
    public void Find_EqualRates_CountAsExactAtLeastAsFast()
    {
        FilterBenchResult[] rows = [Row(0.01, 100, 1_000, 1_000), Row(0.1, 1_000, 1_001, 1_000)];

        FilterCrossover crossover = FilterCrossover.Find(rows);

        Assert.Same(rows[0], crossover.ExactFaster);
        Assert.Equal(100, crossover.EstimatedAdmitted!.Value, 6);
    }

    [Fact]
    public void Find_GraphAlwaysFaster_HasNoExactSide()
    {
        FilterBenchResult[] rows = [Row(0.01, 100, 2_000, 1_000), Row(0.1, 1_000, 3_000, 1_000)];

        FilterCrossover crossover = FilterCrossover.Find(rows);

        Assert.Null(crossover.ExactFaster);
        Assert.Same(rows[0], crossover.GraphFaster);
        Assert.Null(crossover.EstimatedAdmitted);
    }

    [Fact]
    public void Find_ExactFasterAtTheLargest_HasNoGraphSide()
    {
        FilterBenchResult[] rows = [Row(0.01, 100, 2_000, 1_000), Row(0.1, 1_000, 500, 1_000)];

        FilterCrossover crossover = FilterCrossover.Find(rows);

        Assert.Same(rows[1], crossover.ExactFaster);
        Assert.Null(crossover.GraphFaster);
        Assert.Null(crossover.EstimatedAdmitted);
    }

    [Fact]
    public void Find_NothingAdmittedBelow_InterpolatesLinearly()
    {
        // Log ratios −ln 2 and ln 4: a third of the way from 0 to 300.
        FilterBenchResult[] rows = [Row(0.000001, 0, 500, 1_000), Row(0.01, 300, 4_000, 1_000)];

        Assert.Equal(100, FilterCrossover.Find(rows).EstimatedAdmitted!.Value, 6);
    }
}
