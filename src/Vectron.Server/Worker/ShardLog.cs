using Microsoft.Extensions.Logging;

namespace Vectron.Server.Worker;

/// <summary>The shard engine's log messages (source-generated; nothing is logged per point).</summary>
internal static partial class ShardLog
{
    [LoggerMessage(EventId = 101, Level = LogLevel.Error, Message = "Shard indexer: a batch failed; its points stay in the exact-scanned tail")]
    public static partial void IndexerBatchFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 102, Level = LogLevel.Information, Message = "Shard restored from a snapshot: {Points} points, {Indexed} in the graph, {Tail} to index")]
    public static partial void Restored(ILogger logger, long points, long indexed, long tail);

    [LoggerMessage(EventId = 103, Level = LogLevel.Information, Message = "Shard index reconfigured (m {M}, ef_construct {EfConstruct}, quantization {Quantization}): {Points} points to index into a new graph, searched from the old one meanwhile")]
    public static partial void Reconfigured(ILogger logger, int m, int efConstruct, ShardQuantization quantization, int points);

    [LoggerMessage(EventId = 104, Level = LogLevel.Information, Message = "Shard index rebuilt (m {M}, ef_construction {EfConstruction}): the new graph holds all {Points} points and now serves searches")]
    public static partial void Rebuilt(ILogger logger, int m, int efConstruction, int points);
}
