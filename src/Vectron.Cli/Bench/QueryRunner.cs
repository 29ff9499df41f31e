using System.Diagnostics;
using System.Runtime.CompilerServices;
using Vectron.Cli.Datasets;
using Vectron.Index;

namespace Vectron.Cli.Bench;

/// <summary>Runs a query set against an index, one query at a time or from several threads, as the benchmarks time it.</summary>
/// <remarks>Keeps one <see cref="WorkerGroup"/> per thread count, so parallel passes do not time thread start-up; dispose to stop them.</remarks>
internal sealed class QueryRunner : IDisposable
{
    private readonly HnswIndex _index;
    private readonly DenseMatrix<float> _queries;
    private readonly int _k;
    private readonly Dictionary<int, WorkerGroup> _groups = [];
    private SearchHit[][] _scratch = [];

    public QueryRunner(HnswIndex index, DenseMatrix<float> queries, int k)
    {
        _index = index;
        _queries = queries;
        _k = k;
    }

    /// <summary>Number of queries in the set.</summary>
    public int QueryCount => _queries.Rows;

    /// <summary>
    /// Searches queries 0..count−1 (wrapping around the set) on this thread. When given, writes each
    /// query's result keys to its row of <paramref name="ids"/> (−1 padded) and its latency in
    /// microseconds, search and copy included, to <paramref name="latencies"/>.
    /// </summary>
    /// <remarks>
    /// Compiled fully optimised at once: as a tiered method its loop would be replaced mid-pass
    /// (on-stack replacement), a compilation of several milliseconds inside a timed query.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void RunSequential(int count, in SearchParameters parameters, DenseMatrix<int>? ids, double[]? latencies)
    {
        SearchHit[] hits = Scratch(1)[0];
        double microsecondsPerTick = 1e6 / Stopwatch.Frequency;
        for (int i = 0; i < count; i++)
        {
            long start = Stopwatch.GetTimestamp();
            int found = _index.Search(_queries.Row(i % _queries.Rows), _k, hits, parameters);
            if (ids is not null)
            {
                Span<int> row = ids.Row(i);
                for (int j = 0; j < row.Length; j++)
                {
                    row[j] = j < found ? checked((int)hits[j].Key) : -1;
                }
            }

            long end = Stopwatch.GetTimestamp();
            if (latencies is not null)
            {
                latencies[i] = (end - start) * microsecondsPerTick;
            }
        }
    }

    /// <summary>Searches queries 0..count−1 (wrapping around the set) from <paramref name="threads"/> threads, each taking the next query.</summary>
    public void RunParallel(int count, int threads, SearchParameters parameters)
    {
        SearchHit[][] scratch = Scratch(threads);
        if (!_groups.TryGetValue(threads, out WorkerGroup? group))
        {
            group = new WorkerGroup(threads);
            _groups.Add(threads, group);
        }

        group.Run(count, (i, worker) =>
            _index.Search(_queries.Row(i % _queries.Rows), _k, scratch[worker], parameters));
    }

    /// <summary>Stops the worker threads.</summary>
    public void Dispose()
    {
        foreach (WorkerGroup group in _groups.Values)
        {
            group.Dispose();
        }

        _groups.Clear();
    }

    private SearchHit[][] Scratch(int threads)
    {
        if (_scratch.Length < threads)
        {
            var grown = new SearchHit[threads][];
            for (int t = 0; t < threads; t++)
            {
                grown[t] = t < _scratch.Length ? _scratch[t] : new SearchHit[_k];
            }

            _scratch = grown;
        }

        return _scratch;
    }
}
