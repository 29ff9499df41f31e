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
        // The creation-time configuration: a shard starts from it and its log (or newest snapshot)
        // brings it to the settings of later updates (ReconfigureIndex commands).
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

    /// <summary>The shard command that gives a shard the index settings of <paramref name="config"/> (what a collection update changes).</summary>
    public static ReconfigureIndex IndexSettingsFor(CollectionConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new ReconfigureIndex(config.Hnsw.M, config.Hnsw.EfConstruct,
            config.Quantization is null ? ShardQuantization.None : ShardQuantization.Int8, config.Quantization?.AlwaysRam ?? true);
    }

    /// <summary>A factory for <see cref="VectronNode.StartAsync"/>.</summary>
    public static Func<CollectionRecord, int, IStateMachine> Create(ILoggerFactory? loggerFactory) =>
        (collection, shard) => new ShardStateMachine(OptionsFor(collection, shard), loggerFactory);
}
