using Microsoft.Extensions.Logging;

namespace Vectron.Server.Node;

/// <summary>The node's log messages.</summary>
internal static partial class NodeLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Data directory {Directory}: log opened in {Milliseconds} ms ({Segments} segments, {Groups} groups)")]
    public static partial void LogOpened(ILogger logger, string directory, long milliseconds, int segments, int groups);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Placement ready at epoch {Epoch}: {Collections} collections")]
    public static partial void PlacementReady(ILogger logger, ulong epoch, int collections);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Started shard {Shard} of collection {Collection} (group {Group})")]
    public static partial void ShardStarted(ILogger logger, int shard, string collection, ulong group);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "Retired group {Group} (its collection was deleted)")]
    public static partial void GroupRetired(ILogger logger, ulong group);

    [LoggerMessage(EventId = 5, Level = LogLevel.Information, Message = "Removed the log and snapshots of deleted group {Group}")]
    public static partial void GroupDataRemoved(ILogger logger, ulong group);

    [LoggerMessage(EventId = 7, Level = LogLevel.Error, Message = "Group {Group} cannot serve reads ({Outcome}); the node stays not ready")]
    public static partial void GroupNotReady(ILogger logger, ulong group, string outcome);

    [LoggerMessage(EventId = 6, Level = LogLevel.Error, Message = "Reconciling shard groups with the placement state failed")]
    public static partial void ReconcileFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 8, Level = LogLevel.Information, Message = "Proposing the index settings of collection {Collection} to group {Group}")]
    public static partial void IndexSettingsProposed(ILogger logger, string collection, ulong group);

    [LoggerMessage(EventId = 9, Level = LogLevel.Warning, Message = "Removed {Collection}, left by a snapshot recovery that did not finish; the collection it was to replace is unchanged")]
    public static partial void AbandonedRecoveryRemoved(ILogger logger, string collection);

    [LoggerMessage(EventId = 10, Level = LogLevel.Error, Message = "A shard of collection {Collection} did not take the collection's index settings ({Outcome})")]
    public static partial void IndexSettingsNotApplied(ILogger logger, string collection, string outcome);
}
