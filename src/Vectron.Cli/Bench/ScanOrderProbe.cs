using Vectron.Index;

namespace Vectron.Cli.Bench;

/// <summary>
/// Wraps a filter to tell, after a pass of searches, whether every one of them was an exact scan.
/// An exact scan asks the filter about every live point in storage order, the same sequence
/// whatever the query, while a graph traversal asks in order of distance to the query; so a pass
/// was all exact scans exactly when its calls repeat the recorded scan order once per search. This
/// observes what the index did rather than restating the planner's rule, so it stays true when the
/// rule changes.
/// </summary>
/// <remarks>Not thread-safe: for one untimed pass on one thread.</remarks>
internal sealed class ScanOrderProbe : IVectorFilter
{
    private readonly IVectorFilter _inner;
    private readonly ulong[] _scanOrder;
    private long _calls;
    private bool _inScanOrder;

    /// <param name="inner">The filter that decides, and whose admitted count the planner sees.</param>
    /// <param name="scanOrder">The keys an exact scan asks about, in order (<see cref="RecordScanOrder"/>).</param>
    public ScanOrderProbe(IVectorFilter inner, ulong[] scanOrder)
    {
        _inner = inner;
        _scanOrder = scanOrder;
        _inScanOrder = scanOrder.Length > 0;
    }

    /// <inheritdoc/>
    public long? AdmittedCount => _inner.AdmittedCount;

    /// <inheritdoc/>
    public bool Admits(ulong key)
    {
        if (_inScanOrder && key != _scanOrder[_calls % _scanOrder.Length])
        {
            _inScanOrder = false;
        }

        _calls++;
        return _inner.Admits(key);
    }

    /// <summary>Whether the <paramref name="searches"/> searches made through this probe were all exact scans.</summary>
    public bool AllExactScans(int searches) => _inScanOrder && _calls == searches * (long)_scanOrder.Length;

    /// <summary>The keys an exact filtered search of <paramref name="index"/> asks the filter about, in order.</summary>
    public static ulong[] RecordScanOrder(HnswIndex index, ReadOnlySpan<float> query)
    {
        var recorder = new Recorder();
        index.Search(query, 1, new SearchParameters { Exact = true, Filter = recorder });
        return [.. recorder.Keys];
    }

    private sealed class Recorder : IVectorFilter
    {
        public List<ulong> Keys { get; } = [];

        public bool Admits(ulong key)
        {
            Keys.Add(key);
            return false;
        }
    }
}
