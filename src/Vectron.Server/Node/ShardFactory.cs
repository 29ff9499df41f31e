using Microsoft.Extensions.Logging;
using Vectron.Raft.Hosting;
using Vectron.Server.Placement;
using Vectron.Server.Worker;

namespace Vectron.Server.Node;

/// <summary>Creates a shard's state machine from its collection's configuration in the placement state.</summary>
public static class ShardFactory
{
    /// <summary>The shard engine's options for a collection.</summary>
    public static ShardOptions OptionsFor(CollectionRecord collection, int shard)
    {
        ArgumentNullException.ThrowIfNull(collection);
        // The creation-time configuration: the shard's snapshots and index were built with it.
        var config = collection.ShardConfig;
        return new ShardOptions
        {
            Dimension = config.VectorSize,
            Metric = config.Distance switch
            {
                VectorDistance.Dot => ShardDistance.Dot,
                VectorDistance.Euclid => ShardDistance.Euclid,
                _ => ShardDistance.Cosine,
            },
            M = config.Hnsw.M,
            EfConstruct = config.Hnsw.EfConstruct,
            // Qdrant searches with ef = ef_construct when a request sets no hnsw_ef.
            DefaultEf = config.Hnsw.EfConstruct,
            Quantization = config.Quantization is null ? ShardQuantization.None : ShardQuantization.Int8,
            QuantizationAlwaysRam = config.Quantization?.AlwaysRam ?? true,
            // Each shard's level generator differs, as independent indexes would.
            Seed = 0x5EED_5A4D_0000_0001UL ^ collection.ShardGroups[shard],
        };
    }

    /// <summary>A factory for <see cref="VectronNode.StartAsync"/>.</summary>
    public static Func<CollectionRecord, int, IStateMachine> Create(ILoggerFactory? loggerFactory) =>
        (collection, shard) => new ShardStateMachine(OptionsFor(collection, shard), loggerFactory);
}
