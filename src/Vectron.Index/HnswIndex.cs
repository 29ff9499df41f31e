using System.Runtime.CompilerServices;
using Vectron.Index.Kernels;
using Vectron.Index.Memory;
using Vectron.Index.Quantization;
using Vectron.Index.Search;

namespace Vectron.Index;

/// <summary>
/// A hierarchical navigable small-world graph (Malkov and Yashunin, 2018) over float32 vectors with
/// optional int8 traversal, tombstone deletes with neighbour repair, filtered and exact search.
/// Points are identified by caller-chosen 64-bit keys.
/// </summary>
/// <remarks>
/// Thread-safety: <see cref="Upsert"/>, <see cref="Delete"/> and <see cref="Search(ReadOnlySpan{float}, int, Span{SearchHit}, in SearchParameters)"/>
/// may all run concurrently from any number of threads. <see cref="Save"/> and <see cref="Recalibrate"/>
/// wait for running writes and block new ones while they run; searches never wait.
/// Internally every node has a dense id; its vector, links, level, state and key live in row stores
/// indexed by that id. Node links are edited under a striped lock, one lock held at a time, and read
/// without locks: a reader may see a list mid-rewrite, but every id in it names a node whose data
/// was written before the id was published.
/// </remarks>
public sealed partial class HnswIndex : IDisposable
{
    private const int LockStripes = 1024;
    private const int MaxLevel = 30;

    // Bytes of an int[] beyond its elements on 64-bit .NET: object header, method table pointer, length (padded).
    private const int UpperArrayOverhead = 24;

    private readonly HnswOptions _options;
    private readonly int _dimension;
    private readonly int _m;
    private readonly int _m0;
    private readonly double _levelMultiplier;

    private readonly RowStore<float> _vectors;
    private readonly RowStore<int> _links0;
    private readonly RowStore<int[]?> _upperLinks;
    private readonly RowStore<byte> _levels;
    private readonly RowStore<byte> _states;
    private readonly RowStore<ulong> _keys;

    private readonly Lock[] _nodeLocks;
    private readonly Lock _entryLock = new();
    private readonly Lock _keyLock = new();
    private readonly Dictionary<ulong, int> _keyToNode = [];
    private readonly ReaderWriterLockSlim _structureLock = new(LockRecursionPolicy.NoRecursion);
    private readonly SearchContextPool _pool;

    private QuantizedVectors? _quantized;
    private int _nodeCount;
    private int _liveCount;
    private int _tombstonesSinceConsolidation;
    private int _calibrations;

    // Entry point and top level packed into one word so readers never see one without the other:
    // low 32 bits the node, high 32 bits its level; −1 while the index is empty.
    private long _entry = -1;

    /// <summary>Creates an empty index.</summary>
    /// <exception cref="ArgumentException">An option is out of range (the message names it).</exception>
    public HnswIndex(HnswOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _dimension = options.Dimension;
        _m = options.M;
        _m0 = 2 * options.M;
        _levelMultiplier = 1 / Math.Log(options.M);
        int capacity = options.InitialCapacity;
        _vectors = new RowStore<float>(_dimension, capacity, alignRows: true);
        _links0 = new RowStore<int>(_m0 + 1, capacity);
        _upperLinks = new RowStore<int[]?>(1, capacity);
        _levels = new RowStore<byte>(1, capacity);
        _keys = new RowStore<ulong>(1, capacity);
        _states = new RowStore<byte>(1, capacity);
        _nodeLocks = new Lock[LockStripes];
        for (int i = 0; i < _nodeLocks.Length; i++)
        {
            _nodeLocks[i] = new Lock();
        }

        _pool = new SearchContextPool(_dimension);
    }

    /// <summary>The options the index was created with.</summary>
    public HnswOptions Options => _options;

    /// <summary>Number of points that can be returned (inserted and not deleted).</summary>
    public int Count => Volatile.Read(ref _liveCount);

    /// <summary>Number of graph nodes, including tombstones of deleted and replaced points.</summary>
    public int NodeCount => Volatile.Read(ref _nodeCount);

    /// <summary>Whether int8 codes exist (quantized indexes calibrate once <see cref="HnswOptions.CalibrationThreshold"/> points are stored).</summary>
    public bool IsCalibrated => Volatile.Read(ref _quantized) is not null;

    /// <summary>The current int8 range as (lower, upper), or <see langword="null"/> before calibration.</summary>
    public (float Lower, float Upper)? QuantizationRange =>
        Volatile.Read(ref _quantized) is { } q ? (q.Quantizer.Lower, q.Quantizer.Upper) : null;

    /// <summary>How many times the int8 range has been calibrated (first calibration included).</summary>
    public int CalibrationCount => Volatile.Read(ref _calibrations);

    internal int M0 => _m0;

    internal RowStore<float> Vectors => _vectors;

    internal RowStore<int> Links0 => _links0;

    internal RowStore<int[]?> UpperLinks => _upperLinks;

    internal RowStore<byte> Levels => _levels;

    internal RowStore<byte> States => _states;

    internal RowStore<ulong> Keys => _keys;

    internal QuantizedVectors? Quantized => Volatile.Read(ref _quantized);

    internal long EntryPacked => Volatile.Read(ref _entry);

    /// <summary>Inserts a point, or replaces the vector of the point already stored under <paramref name="key"/>.</summary>
    /// <exception cref="ArgumentException">The vector has the wrong dimension or a value that is NaN or infinite.</exception>
    public void Upsert(ulong key, ReadOnlySpan<float> vector)
    {
        ValidateVector(vector, nameof(vector));
        int node;
        int replaced;
        _structureLock.EnterReadLock();
        try
        {
            node = AllocateNode();
            Span<float> row = _vectors.RowSpan(node);
            vector.CopyTo(row);
            if (_options.Metric == DistanceMetric.Cosine)
            {
                FloatKernels.Normalize(row);
            }

            int level = LevelFor(key);
            _levels.Row(node) = (byte)level;
            _keys.Row(node) = key;
            if (level > 0)
            {
                _upperLinks.Row(node) = new int[level * (_m + 1)];
            }

            Volatile.Read(ref _quantized)?.Encode(node, row, countForDrift: true);

            // Everything about the node is written before any list can name it (release fence).
            Interlocked.MemoryBarrier();
            switch (_options.Metric)
            {
                case DistanceMetric.L2:
                    Insert<L2Metric>(node, level);
                    break;
                case DistanceMetric.Dot:
                    Insert<DotMetric>(node, level);
                    break;
                default:
                    Insert<CosineMetric>(node, level);
                    break;
            }

            lock (_keyLock)
            {
                replaced = _keyToNode.TryGetValue(key, out int old) ? old : -1;
                _keyToNode[key] = node;
                Volatile.Write(ref _states.Row(node), NodeState.Live);
                if (replaced >= 0)
                {
                    Volatile.Write(ref _states.Row(replaced), NodeState.Deleted);
                }
                else
                {
                    _liveCount++;
                }
            }

            if (replaced >= 0)
            {
                Repair(replaced);
            }
        }
        finally
        {
            _structureLock.ExitReadLock();
        }

        if (replaced >= 0)
        {
            NoteTombstone();
        }

        MaybeCalibrate();
    }

    /// <summary>Deletes the point stored under <paramref name="key"/>; returns whether it existed.</summary>
    /// <remarks>The node stays in the graph as a tombstone that routes searches but is never returned; its neighbours are relinked around it.</remarks>
    public bool Delete(ulong key)
    {
        _structureLock.EnterReadLock();
        try
        {
            int node;
            lock (_keyLock)
            {
                if (!_keyToNode.Remove(key, out node))
                {
                    return false;
                }

                Volatile.Write(ref _states.Row(node), NodeState.Deleted);
                _liveCount--;
            }

            Repair(node);
        }
        finally
        {
            _structureLock.ExitReadLock();
        }

        NoteTombstone();
        return true;
    }

    /// <summary>Whether a point is stored under <paramref name="key"/>.</summary>
    public bool Contains(ulong key)
    {
        lock (_keyLock)
        {
            return _keyToNode.ContainsKey(key);
        }
    }

    /// <summary>Copies the stored vector of <paramref name="key"/> (unit length for cosine); returns false when absent.</summary>
    public bool TryGetVector(ulong key, Span<float> destination)
    {
        int node;
        lock (_keyLock)
        {
            if (!_keyToNode.TryGetValue(key, out node))
            {
                return false;
            }
        }

        _vectors.RowSpan(node).CopyTo(destination);
        return true;
    }

    /// <summary>
    /// Recomputes the int8 range from the stored vectors and re-encodes every code. Runs by itself when
    /// the index first reaches <see cref="HnswOptions.CalibrationThreshold"/> points and whenever newly
    /// inserted values drift out of (or far inside) the range; callable directly too.
    /// </summary>
    /// <exception cref="InvalidOperationException">The index was created without quantization.</exception>
    public void Recalibrate()
    {
        if (_options.Quantization != QuantizationKind.Int8)
        {
            throw new InvalidOperationException("The index was created without quantization; there is nothing to calibrate.");
        }

        CalibrateExclusively(onlyIfNeeded: false);
    }

    /// <summary>Bytes held by each part of the index.</summary>
    public IndexMemory GetMemoryUsage()
    {
        int nodes = NodeCount;
        // Upper layers: every node's reference slot in the table, and for the nodes above layer 0 an int
        // array (its ids plus the object's header, method table and length: UpperArrayOverhead).
        long upper = (long)nodes * IntPtr.Size;
        for (int node = 0; node < nodes; node++)
        {
            if (_upperLinks.Row(node) is { } links)
            {
                upper += (links.Length * sizeof(int)) + UpperArrayOverhead;
            }
        }

        QuantizedVectors? q = Quantized;
        return new IndexMemory(
            Nodes: nodes,
            VectorBytes: (long)nodes * _vectors.Stride * sizeof(float),
            CodeBytes: q is null ? 0 : (long)nodes * (q.Codes.Stride + (_options.Metric == DistanceMetric.L2 ? 0 : sizeof(float))),
            GraphBytes: ((long)nodes * (_m0 + 1) * sizeof(int)) + upper,
            MetadataBytes: (long)nodes * (sizeof(ulong) + 2));
    }

    /// <summary>
    /// Writes the index (graph, vectors, codes, tombstones) to <paramref name="stream"/> in the format of
    /// docs/formats/hnsw-index.md. Waits for running writes and blocks new ones until done.
    /// </summary>
    public void Save(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _structureLock.EnterWriteLock();
        try
        {
            Persistence.HnswSerializer.Write(this, stream);
        }
        finally
        {
            _structureLock.ExitWriteLock();
        }
    }

    /// <summary>Reads an index written by <see cref="Save"/>, without rebuilding the graph.</summary>
    /// <exception cref="InvalidDataException">The stream is truncated, corrupted, of an unknown version, or inconsistent; the message says where.</exception>
    public static HnswIndex Load(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return Persistence.HnswSerializer.Read(stream);
    }

    internal void CompleteLoad(int nodes, int live, long entry, QuantizedVectors? quantized)
    {
        _nodeCount = nodes;
        _liveCount = live;
        _entry = entry;
        _quantized = quantized;
        for (int node = 0; node < nodes; node++)
        {
            if (_states.Row(node) == NodeState.Live && !_keyToNode.TryAdd(_keys.Row(node), node))
            {
                throw new InvalidDataException($"Key {_keys.Row(node)} is stored live twice (nodes {_keyToNode[_keys.Row(node)]} and {node}).");
            }
        }
    }

    /// <summary>Releases the structure lock.</summary>
    public void Dispose() => _structureLock.Dispose();

    internal Lock NodeLock(int node) => _nodeLocks[node & (LockStripes - 1)];

    private int AllocateNode()
    {
        int node = Interlocked.Increment(ref _nodeCount) - 1;
        int rows = node + 1;
        _vectors.EnsureCapacity(rows);
        _links0.EnsureCapacity(rows);
        _upperLinks.EnsureCapacity(rows);
        _levels.EnsureCapacity(rows);
        _keys.EnsureCapacity(rows);
        Volatile.Read(ref _quantized)?.EnsureCapacity(rows);
        // States grow last: a scan bounded by the states' capacity only meets rows every store has.
        _states.EnsureCapacity(rows);
        return node;
    }

    private int LevelFor(ulong key)
    {
        // A level from a hash of (seed, key): the same keys give the same graph shape whatever the
        // order or threads of insertion. Geometric with ratio 1/M, as in the paper (mL = 1/ln M).
        ulong z = _options.Seed + (key * 0x9E3779B97F4A7C15UL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        double uniform = ((z >> 11) + 1) * (1.0 / (1UL << 53));
        int level = (int)(-Math.Log(uniform) * _levelMultiplier);
        return Math.Min(level, MaxLevel);
    }

    private void MaybeCalibrate()
    {
        if (_options.Quantization == QuantizationKind.Int8 && CalibrationNeeded())
        {
            CalibrateExclusively(onlyIfNeeded: true);
        }
    }

    private bool CalibrationNeeded() =>
        Volatile.Read(ref _quantized) is { } q ? q.DriftDetected() : Count >= _options.CalibrationThreshold;

    private void CalibrateExclusively(bool onlyIfNeeded)
    {
        _structureLock.EnterWriteLock();
        try
        {
            // Another writer may have calibrated while this one waited for the lock.
            if (!onlyIfNeeded || CalibrationNeeded())
            {
                Volatile.Write(ref _quantized, BuildQuantized());
            }
        }
        finally
        {
            _structureLock.ExitWriteLock();
        }
    }

    // Caller holds the structure lock exclusively: no insert is in flight, so no node is Pending.
    private QuantizedVectors BuildQuantized()
    {
        int nodes = _nodeCount;
        int live = 0;
        for (int node = 0; node < nodes; node++)
        {
            if (_states.Row(node) == NodeState.Live)
            {
                live++;
            }
        }

        int sampleVectors = Math.Max(1, Math.Min(live, ScalarQuantizer.MaxSampleValues / _dimension));
        int stride = Math.Max(1, live / sampleVectors);
        var sample = new float[Math.Min(live, sampleVectors) * _dimension];
        int filled = 0;
        int seen = 0;
        for (int node = 0; node < nodes && filled < sample.Length; node++)
        {
            if (_states.Row(node) != NodeState.Live)
            {
                continue;
            }

            if (seen++ % stride == 0)
            {
                _vectors.RowSpan(node).CopyTo(sample.AsSpan(filled));
                filled += _dimension;
            }
        }

        ScalarQuantizer quantizer = ScalarQuantizer.Calibrate(sample.AsSpan(0, filled), _options.QuantizationQuantile);
        var scratch = new sbyte[filled];
        EncodeStatistics statistics = quantizer.Encode(sample.AsSpan(0, filled), scratch);
        double clipFraction = filled == 0 ? 0 : statistics.Clipped / (double)filled;
        double innerFraction = filled == 0 ? 0 : statistics.Inner / (double)filled;

        Interlocked.Increment(ref _calibrations);
        var quantized = new QuantizedVectors(quantizer, _dimension, nodes, clipFraction, innerFraction);
        for (int node = 0; node < nodes; node++)
        {
            quantized.Encode(node, _vectors.RowSpan(node), countForDrift: false);
        }

        return quantized;
    }

    private void ValidateVector(ReadOnlySpan<float> vector, string name)
    {
        if (vector.Length != _dimension)
        {
            ThrowDimension(vector.Length, name);
        }

        int bad = VectorChecks.FirstNonFinite(vector);
        if (bad >= 0)
        {
            ThrowNotFinite(bad, vector[bad], name);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ThrowDimension(int length, string name) =>
        throw new ArgumentException($"Expected a vector of dimension {_dimension}, got {length}.", name);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowNotFinite(int index, float value, string name) =>
        throw new ArgumentException($"Vector component {index} is {value}; every component must be a finite number.", name);
}
