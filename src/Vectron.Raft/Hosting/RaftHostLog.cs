using Microsoft.Extensions.Logging;

namespace Vectron.Raft.Hosting;

/// <summary>The host's log messages (source-generated; nothing is logged per message or per entry).</summary>
internal static partial class RaftHostLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Raft host {NodeId}: group {GroupId} started (bootstrap: {Bootstrap}, snapshot index {SnapshotIndex})")]
    public static partial void GroupStarted(ILogger logger, ulong nodeId, ulong groupId, bool bootstrap, ulong snapshotIndex);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Raft host {NodeId}: group {GroupId} leader is now {Leader} (term {Term})")]
    public static partial void LeaderChanged(ILogger logger, ulong nodeId, ulong groupId, ulong leader, ulong term);

    [LoggerMessage(EventId = 3, Level = LogLevel.Error, Message = "Raft host {NodeId}: group {GroupId} state machine failed; the group applies nothing more")]
    public static partial void ApplyFailed(ILogger logger, Exception exception, ulong nodeId, ulong groupId);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "Raft host {NodeId}: dropped a message for group {GroupId} from node {From}")]
    public static partial void MessageRejected(ILogger logger, Exception exception, ulong nodeId, ulong groupId, ulong from);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "Raft host {NodeId}: snapshot {Index} of group {GroupId} for node {To} is not in the snapshot store")]
    public static partial void SnapshotPayloadMissing(ILogger logger, ulong nodeId, ulong groupId, ulong index, ulong to);

    [LoggerMessage(EventId = 6, Level = LogLevel.Information, Message = "Raft host {NodeId}: group {GroupId} snapshot at {Index} recorded, log compacted through {CompactThrough}")]
    public static partial void SnapshotRecorded(ILogger logger, ulong nodeId, ulong groupId, ulong index, ulong compactThrough);

    [LoggerMessage(EventId = 7, Level = LogLevel.Warning, Message = "Raft host {NodeId}: snapshot stream of group {GroupId} from node {From} broke at offset {Offset}; dropped")]
    public static partial void SnapshotStreamBroken(ILogger logger, ulong nodeId, ulong groupId, ulong from, long offset);

    [LoggerMessage(EventId = 8, Level = LogLevel.Critical, Message = "Raft host {NodeId}: the consensus loop failed and stopped")]
    public static partial void LoopFailed(ILogger logger, Exception exception, ulong nodeId);

    [LoggerMessage(EventId = 9, Level = LogLevel.Warning, Message = "Raft host {NodeId}: saving the snapshot of group {GroupId} at {Index} failed; the log is not compacted and the next snapshot is tried {Every} entries later")]
    public static partial void SnapshotSaveFailed(ILogger logger, Exception exception, ulong nodeId, ulong groupId, ulong index, long every);

    [LoggerMessage(EventId = 10, Level = LogLevel.Warning, Message = "Raft host {NodeId}: saving the snapshot of group {GroupId} at {Index} received from node {From} failed; dropped (the leader sends it again)")]
    public static partial void ReceivedSnapshotSaveFailed(ILogger logger, Exception exception, ulong nodeId, ulong groupId, ulong index, ulong from);

    [LoggerMessage(EventId = 11, Level = LogLevel.Information, Message = "Raft host {NodeId}: group {GroupId} stopped")]
    public static partial void GroupStopped(ILogger logger, ulong nodeId, ulong groupId);
    [LoggerMessage(EventId = 12, Level = LogLevel.Information, Message = "Raft host {NodeId}: the newest commit indexes could not be written at stop (the log has stopped); they are learned again after a restart")]
    public static partial void CommitIndexesNotWritten(ILogger logger, Exception exception, ulong nodeId);
}
