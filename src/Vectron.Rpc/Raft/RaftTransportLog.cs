using Microsoft.Extensions.Logging;

namespace Vectron.Rpc.Raft;

/// <summary>The Raft transport's log messages (source-generated; nothing is logged per batch or per chunk).</summary>
internal static partial class RaftTransportLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Raft transport {NodeId}: the batch stream to node {Peer} broke ({Failures} in a row); {Groups} groups reported unreachable, reconnecting in {Backoff}")]
    public static partial void BatchStreamBroken(ILogger logger, Exception exception, ulong nodeId, ulong peer, int failures, int groups, TimeSpan backoff);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Raft transport {NodeId}: snapshot {Index} of group {GroupId} sent to node {Peer} ({Bytes} bytes, {Resumes} resumes)")]
    public static partial void SnapshotSent(ILogger logger, ulong nodeId, ulong groupId, ulong index, ulong peer, long bytes, int resumes);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Raft transport {NodeId}: snapshot stream of group {GroupId} to node {Peer} broke (attempt {Attempt}); resuming")]
    public static partial void SnapshotStreamBroken(ILogger logger, Exception exception, ulong nodeId, ulong groupId, ulong peer, int attempt);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "Raft transport {NodeId}: snapshot {Index} of group {GroupId} to node {Peer} failed")]
    public static partial void SnapshotFailed(ILogger logger, Exception exception, ulong nodeId, ulong groupId, ulong index, ulong peer);

    [LoggerMessage(EventId = 5, Level = LogLevel.Information, Message = "Raft transport {NodeId}: snapshot stream of group {GroupId} to node {Peer} resumes at offset {Offset}")]
    public static partial void SnapshotResumed(ILogger logger, ulong nodeId, ulong groupId, ulong peer, long offset);

    [LoggerMessage(EventId = 6, Level = LogLevel.Warning, Message = "Raft transport {NodeId}: refused a call from {Caller}: {Detail}")]
    public static partial void CallRefused(ILogger logger, ulong nodeId, string caller, string detail);
}
