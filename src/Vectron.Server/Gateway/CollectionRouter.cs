using Vectron.Raft.Hosting;
using Vectron.Server.Model;
using Vectron.Server.Node;
using Vectron.Server.Placement;
using Vectron.Server.Worker;

namespace Vectron.Server.Gateway;

/// <summary>
/// From a collection name to its shards on this node: resolves names and aliases through the
/// placement state, routes point ids to shards (<see cref="PointId.ShardOf"/>), proposes one command
/// per shard (atomic per shard) and puts the read barrier of the asked consistency before shard reads.
/// </summary>
public sealed class CollectionRouter : IDisposable
{
    private readonly VectronNode _node;
    private readonly SemaphoreSlim _readSlots;
    private long _lastOperationId;

    /// <summary>Routes through <paramref name="node"/>; at most <paramref name="readConcurrency"/> shard reads run at once (the rest wait in arrival order).</summary>
    public CollectionRouter(VectronNode node, int readConcurrency)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(readConcurrency, 1);
        _node = node;
        _readSlots = new SemaphoreSlim(readConcurrency, readConcurrency);
    }

    /// <inheritdoc />
    public void Dispose() => _readSlots.Dispose();

    /// <summary>The node.</summary>
    public VectronNode Node => _node;

    /// <summary>The collection a name or alias refers to; 404 when none.</summary>
    public CollectionRecord Resolve(string nameOrAlias) =>
        _node.Placement.Current.Resolve(nameOrAlias) ?? throw ApiException.CollectionNotFound(nameOrAlias);

    /// <summary>The running shard engine of shard <paramref name="shard"/>; 503 while it is not started, 404 once deleted.</summary>
    public ShardStateMachine Shard(CollectionRecord collection, int shard)
    {
        ArgumentNullException.ThrowIfNull(collection);
        var slot = _node.Shard(collection.ShardGroups[shard]);
        if (slot is null)
        {
            if (_node.Placement.Current.Resolve(collection.Name) is null)
            {
                throw ApiException.CollectionNotFound(collection.Name);
            }
            throw new ApiException(ApiErrorKind.Unavailable, $"shard {shard} of collection `{collection.Name}` is not running yet; retry");
        }
        return slot.Machine as ShardStateMachine ?? throw ApiException.CollectionNotFound(collection.Name);
    }

    /// <summary>Waits until shard reads may be served at <paramref name="mode"/> on every shard (in parallel).</summary>
    public async Task BarrierAsync(CollectionRecord collection, ReadMode mode, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(collection);
        if (mode == ReadMode.Any)
        {
            return;
        }
        var consistency = mode == ReadMode.Linearizable ? ReadConsistency.Linearizable : ReadConsistency.Stale;
        var barriers = new Task<RaftResult<ReadOnlyMemory<byte>>>[collection.ShardGroups.Length];
        for (int i = 0; i < barriers.Length; i++)
        {
            barriers[i] = _node.ReadBarrierAsync(collection.ShardGroups[i], consistency, cancellationToken);
        }
        var results = await Task.WhenAll(barriers).ConfigureAwait(false);
        foreach (var result in results)
        {
            if (!result.IsOk)
            {
                throw ErrorMapping.FromRaft(result.Outcome, $"read of collection `{collection.Name}`");
            }
        }
    }

    /// <summary>Runs <paramref name="read"/> (shard, shard number) on every shard in parallel after the barrier; the answers by shard number.</summary>
    public async Task<T[]> ReadAllAsync<T>(CollectionRecord collection, ReadMode mode, Func<ShardStateMachine, int, T> read, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(collection);
        await BarrierAsync(collection, mode, cancellationToken).ConfigureAwait(false);
        var shards = new ShardStateMachine[collection.ShardGroups.Length];
        for (int i = 0; i < shards.Length; i++)
        {
            shards[i] = Shard(collection, i);
        }
        if (shards.Length == 1)
        {
            return [await ReadOneAsync(shards[0], 0, read, cancellationToken).ConfigureAwait(false)];
        }
        var tasks = new Task<T>[shards.Length];
        for (int i = 0; i < shards.Length; i++)
        {
            var shard = shards[i];
            int index = i;
            tasks[i] = Task.Run(() => ReadOneAsync(shard, index, read, cancellationToken), cancellationToken);
        }
        return await Task.WhenAll(tasks).ConfigureAwait(false);
    }

    /// <summary>One shard read in one of the read slots (SemaphoreSlim hands its slots to async waiters in arrival order).</summary>
    private async Task<T> ReadOneAsync<T>(ShardStateMachine shard, int index, Func<ShardStateMachine, int, T> read, CancellationToken cancellationToken)
    {
        await _readSlots.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return read(shard, index);
        }
        finally
        {
            _readSlots.Release();
        }
    }

    /// <summary>
    /// Proposes one command per shard (null entries: nothing for that shard), in parallel, and
    /// returns once every command is committed and applied, throwing the first rejection.
    /// </summary>
    /// <remarks>
    /// Qdrant's <c>wait=false</c> answers once the write is in its WAL, before it is applied. The Raft
    /// host has no signal between "committed" and "applied" and applying is immediate (indexing is in
    /// the background either way), so a write without <c>wait</c> waits for the same result as one
    /// with it and only its answer differs (<c>acknowledged</c>). An answered write is therefore
    /// always durable (committed = fsynced by a quorum), and its rejection is reported to the client.
    /// Answering before the commit would let a crash lose an acknowledged write.
    /// </remarks>
    /// <returns>The total count the shards reported (points affected).</returns>
    public async Task<long> WriteAsync(CollectionRecord collection, IReadOnlyList<ShardCommand?> perShard, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(collection);
        ArgumentNullException.ThrowIfNull(perShard);
        var tasks = new List<Task<RaftResult<ReadOnlyMemory<byte>>>>();
        for (int shard = 0; shard < perShard.Count; shard++)
        {
            if (perShard[shard] is not { } command)
            {
                continue;
            }
            // Fail before proposing anything if a shard is not running (collection deleted or starting).
            Shard(collection, shard);
            tasks.Add(_node.ProposeAsync(collection.ShardGroups[shard], ShardCommandCodec.Encode(command), cancellationToken));
        }
        return Collect(collection, await Task.WhenAll(tasks).ConfigureAwait(false));
    }

    /// <summary>The total count of the shards' results; throws the first failure (Raft outcome or the shard's rejection) as an <see cref="ApiException"/>.</summary>
    public static long Collect(CollectionRecord collection, IReadOnlyList<RaftResult<ReadOnlyMemory<byte>>> results)
    {
        ArgumentNullException.ThrowIfNull(collection);
        ArgumentNullException.ThrowIfNull(results);
        long count = 0;
        ApiException? failure = null;
        foreach (var result in results)
        {
            if (!result.IsOk)
            {
                failure ??= ErrorMapping.FromRaft(result.Outcome, $"write to collection `{collection.Name}`");
                continue;
            }
            if (result.Value.IsEmpty)
            {
                failure ??= ApiException.CollectionNotFound(collection.Name);
                continue;
            }
            var outcome = ShardCommandCodec.DecodeResult(result.Value.Span);
            switch (outcome.Status)
            {
                case ShardResultStatus.Applied:
                    count += outcome.Count;
                    break;
                case ShardResultStatus.NotFound:
                    failure ??= new ApiException(ApiErrorKind.NotFound, outcome.Message);
                    break;
                default:
                    failure ??= new ApiException(ApiErrorKind.BadRequest, outcome.Message);
                    break;
            }
        }
        return failure is null ? count : throw failure;
    }

    /// <summary>Qdrant's update result: <c>{"operation_id": n, "status": "completed" | "acknowledged"}</c> (ids increase per process).</summary>
    public Task WriteUpdateResultAsync(ApiCall call, bool completed)
    {
        ArgumentNullException.ThrowIfNull(call);
        long id = Interlocked.Increment(ref _lastOperationId);
        return call.OkAsync(writer =>
        {
            writer.WriteStartObject();
            writer.WriteNumber("operation_id", id);
            writer.WriteString("status", completed ? "completed" : "acknowledged");
            writer.WriteEndObject();
        });
    }

    /// <summary>The same command for every shard.</summary>
    public Task<long> BroadcastAsync(CollectionRecord collection, ShardCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(collection);
        var perShard = new ShardCommand?[collection.ShardGroups.Length];
        Array.Fill(perShard, command);
        return WriteAsync(collection, perShard, cancellationToken);
    }
}
