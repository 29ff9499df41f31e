using Vectron.Raft.Hosting;
using Vectron.Server.Placement;
using Vectron.Server.Worker;

namespace Vectron.Server.Node;

public sealed partial class VectronNode
{
    /// <summary>
    /// Proposes to every shard of collection <paramref name="name"/> the index settings (HNSW m and
    /// ef_construct, quantization) of its current configuration in the placement state, as a
    /// <see cref="ReconfigureIndex"/> command through each shard's Raft log; a shard whose settings
    /// change rebuilds its graph in the background.
    /// </summary>
    /// <remarks>
    /// Calls are serialised and each reads the configuration when it holds the gate, so after
    /// concurrent updates the last command every shard applies carries the newest configuration:
    /// a caller proposes only after its own placement change committed, and whoever runs last reads it.
    /// </remarks>
    /// <param name="name">The collection.</param>
    /// <param name="onlyWhereDifferent">
    /// Skip shards that already run with the settings (read from the local replica; call only once
    /// its log is applied, e.g. after a linearizable barrier).
    /// </param>
    /// <param name="cancellationToken">Stops waiting (proposals may still apply).</param>
    /// <returns>The collection as read, and each proposed shard's result (none when the collection is gone).</returns>
    public async Task<(CollectionRecord? Collection, RaftResult<ReadOnlyMemory<byte>>[] Results)> SyncIndexSettingsAsync(string name, bool onlyWhereDifferent,
        CancellationToken cancellationToken)
    {
        await _indexSettingsGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Placement.Current.Collections.GetValueOrDefault(name) is not { } collection)
            {
                return (null, []);
            }
            var command = ShardFactory.IndexSettingsFor(collection.Config);
            byte[] encoded = ShardCommandCodec.Encode(command);
            var proposals = new List<Task<RaftResult<ReadOnlyMemory<byte>>>>();
            foreach (ulong group in collection.ShardGroups)
            {
                if (onlyWhereDifferent && Shard(group)?.Machine is ShardStateMachine shard && shard.HasIndexSettings(command))
                {
                    continue;
                }
                NodeLog.IndexSettingsProposed(_logger, name, group);
                proposals.Add(ProposeAsync(group, encoded, cancellationToken));
            }
            return (collection, await Task.WhenAll(proposals).ConfigureAwait(false));
        }
        finally
        {
            _indexSettingsGate.Release();
        }
    }
}
