using Microsoft.Extensions.Logging;
using Vectron.Raft.Hosting;
using Vectron.Server.Model;

namespace Vectron.Server.Worker;

/// <summary>
/// One shard's replicated state: points (vector + JSON payload), payload indexes and the HNSW graph,
/// applied from its Raft group's log. Commands apply wholly or not at all.
/// </summary>
/// <remarks>
/// Thread-safety: the host calls <see cref="Apply"/>, the snapshot methods and <see cref="Lookup"/>
/// from the group's apply lane, one at a time. The read methods (<see cref="Search"/>, <see cref="Get(PointId, PayloadSelector, bool)"/>,
/// <see cref="Count"/>, <see cref="Scroll"/>, <see cref="GetStats"/>) may be called from any thread at
/// any time and see every command applied before they started.
/// </remarks>
public sealed partial class ShardStateMachine : IStateMachine, IDisposable
{
    /// <summary>Creates an empty shard.</summary>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public ShardStateMachine(ShardOptions options, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        _ = loggerFactory;
    }

    /// <summary>The shard's options.</summary>
    public ShardOptions Options { get; }

    /// <inheritdoc />
    public void Apply(ReadOnlySpan<StateMachineCommand> commands, Span<ReadOnlyMemory<byte>> results) => throw new NotImplementedException();

    /// <summary>Answers the empty query (the gateway's read barrier) with an empty answer; any other query is not understood and also answered empty.</summary>
    public ReadOnlyMemory<byte> Lookup(ReadOnlyMemory<byte> query) => ReadOnlyMemory<byte>.Empty;

    /// <inheritdoc />
    public Task SaveSnapshotAsync(Stream destination, CancellationToken cancellationToken) => throw new NotImplementedException();

    /// <inheritdoc />
    public Task RestoreSnapshotAsync(Stream source, CancellationToken cancellationToken) => throw new NotImplementedException();

    /// <summary>The best <see cref="ShardSearch.Limit"/> points for the query, best first.</summary>
    /// <exception cref="RequestException">The vector has the wrong dimension or a NaN or infinite value, or a parameter is out of range.</exception>
    public IReadOnlyList<ScoredPoint> Search(ShardSearch request) => throw new NotImplementedException();

    /// <summary>The point with <paramref name="id"/>, or <see langword="null"/>.</summary>
    public PointRecord? Get(PointId id, PayloadSelector withPayload, bool withVector) => throw new NotImplementedException();

    /// <summary>The listed points that exist, in the order asked (each at most once).</summary>
    public IReadOnlyList<PointRecord> Get(IReadOnlyList<PointId> ids, PayloadSelector withPayload, bool withVector) => throw new NotImplementedException();

    /// <summary>How many points the filter admits (all points when <see langword="null"/>); exact.</summary>
    public long Count(Filter? filter) => throw new NotImplementedException();

    /// <summary>Up to <paramref name="limit"/> points the filter admits, in id order from <paramref name="offset"/> (inclusive).</summary>
    public ScrollPage Scroll(PointId? offset, int limit, Filter? filter, PayloadSelector withPayload, bool withVector) => throw new NotImplementedException();

    /// <summary>The shard's counters.</summary>
    public ShardStats GetStats() => throw new NotImplementedException();

    /// <summary>
    /// Inserts up to <paramref name="maxPoints"/> pending points into the HNSW graph on the calling
    /// thread and returns how many it processed (tests and <see cref="ShardOptions.BackgroundIndexing"/> = false).
    /// </summary>
    public int IndexPending(int maxPoints = int.MaxValue) => throw new NotImplementedException();

    /// <summary>Stops the indexer and releases the graph.</summary>
    public void Dispose()
    {
    }
}
