namespace Vectron.Cli.Bench;

/// <summary>
/// Where, going up in selectivity, the graph path becomes faster than the exact scan and stays so.
/// </summary>
/// <param name="ExactFaster">The last measurement at which the exact scan was at least as fast; <see langword="null"/> when the graph was faster at every one.</param>
/// <param name="GraphFaster">The first measurement from which the graph was faster at every one; <see langword="null"/> when it was not faster at the largest.</param>
/// <param name="EstimatedAdmitted">
/// The admitted count at which the two rates are equal, interpolating log(QPS graph / QPS exact)
/// linearly in log(admitted) between the two measurements; <see langword="null"/> unless both exist.
/// </param>
internal sealed record FilterCrossover(FilterBenchResult? ExactFaster, FilterBenchResult? GraphFaster, double? EstimatedAdmitted)
{
    /// <summary>Finds the crossover of measurements given in increasing selectivity.</summary>
    public static FilterCrossover Find(IReadOnlyList<FilterBenchResult> results)
    {
        // Scanning down from the top keeps a noisy win of the graph at a small selectivity, below a
        // loss, from being taken for the crossover.
        int first = results.Count;
        while (first > 0 && results[first - 1].GraphFaster)
        {
            first--;
        }

        FilterBenchResult? exact = first > 0 ? results[first - 1] : null;
        FilterBenchResult? graph = first < results.Count ? results[first] : null;
        return new FilterCrossover(exact, graph, exact is not null && graph is not null ? Interpolate(exact, graph) : null);
    }

    private static double Interpolate(FilterBenchResult low, FilterBenchResult high)
    {
        // The log ratio is ≤ 0 at low and > 0 at high, so t lies in [0, 1).
        double lowRatio = Math.Log(low.QueriesPerSecondGraph / low.QueriesPerSecondExact);
        double highRatio = Math.Log(high.QueriesPerSecondGraph / high.QueriesPerSecondExact);
        double t = lowRatio / (lowRatio - highRatio);
        if (low.Admitted == 0)
        {
            return t * high.Admitted;
        }

        return Math.Exp(Math.Log(low.Admitted) + (t * (Math.Log(high.Admitted) - Math.Log(low.Admitted))));
    }
}
