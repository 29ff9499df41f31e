namespace Vectron.Cli.Bench;

/// <summary>The measurements of one ef value in <c>vectron bench ann</c>.</summary>
/// <param name="Ef">The search candidate list size.</param>
/// <param name="RecallAt10">Mean |found[:10] ∩ truth[:10]| / 10.</param>
/// <param name="QueriesPerSecondSingle">Queries per second of the one-thread sequential pass.</param>
/// <param name="QueriesPerSecondParallel">Queries per second with all threads taking queries one at a time.</param>
/// <param name="P50Milliseconds">Median latency of the sequential pass.</param>
/// <param name="P99Milliseconds">99th-percentile latency of the sequential pass.</param>
internal sealed record AnnBenchResult(
    int Ef,
    double RecallAt10,
    double QueriesPerSecondSingle,
    double QueriesPerSecondParallel,
    double P50Milliseconds,
    double P99Milliseconds);
