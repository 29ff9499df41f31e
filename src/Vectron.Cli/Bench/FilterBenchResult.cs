namespace Vectron.Cli.Bench;

/// <summary>The measurements of one selectivity in <c>vectron bench filter</c>.</summary>
/// <param name="Selectivity">The fraction of keys the filter admits (a whole number of millionths).</param>
/// <param name="Admitted">How many indexed points the filter admits.</param>
/// <param name="QueriesPerSecondGraph">One-thread QPS with the planner kept on the graph.</param>
/// <param name="QueriesPerSecondExact">One-thread QPS of the exact scan of the admitted points.</param>
/// <param name="QueriesPerSecondPlanner">One-thread QPS of the path the planner chose.</param>
/// <param name="PlannerScanned">Whether the planner chose the exact scan (for every query).</param>
/// <param name="RecallGraph">Recall@k of the graph path against the exact scan.</param>
/// <param name="RecallPlanner">Recall@k of the planner's path against the exact scan.</param>
internal sealed record FilterBenchResult(
    double Selectivity,
    long Admitted,
    double QueriesPerSecondGraph,
    double QueriesPerSecondExact,
    double QueriesPerSecondPlanner,
    bool PlannerScanned,
    double RecallGraph,
    double RecallPlanner)
{
    /// <summary>The planner's path as reported: <c>exact</c> or <c>graph</c>.</summary>
    public string PlannerPath => PlannerScanned ? "exact" : "graph";

    /// <summary>Whether the graph path was faster than the exact scan.</summary>
    public bool GraphFaster => QueriesPerSecondGraph > QueriesPerSecondExact;
}
