using Vectron.Rpc.Protocol.Internal;
using V1 = Vectron.Rpc.Protocol.V1;

namespace Vectron.Rpc;

/// <summary>The methods of <c>vectron.internal.Diagnostics</c> (protos/vectron/internal/diagnostics.proto).</summary>
public static class DiagnosticsMethods
{
    private const string Service = "vectron.internal.Diagnostics";

    /// <summary>Liveness and identity.</summary>
    public static readonly RpcMethod<PingRequest, PingReply> Ping = new(Service, "Ping", RpcMethodType.Unary, idempotent: true);

    /// <summary>Echoes a request (optionally failing or waiting first).</summary>
    public static readonly RpcMethod<EchoRequest, EchoReply> Echo = new(Service, "Echo", RpcMethodType.Unary, idempotent: true);

    /// <summary>Echoes a request <c>repeat</c> times.</summary>
    public static readonly RpcMethod<EchoRequest, EchoReply> EchoStream = new(Service, "EchoStream", RpcMethodType.ServerStreaming);

    /// <summary>Counts the requests and bytes of a stream.</summary>
    public static readonly RpcMethod<EchoRequest, EchoReply> Collect = new(Service, "Collect", RpcMethodType.ClientStreaming);

    /// <summary>Echoes each request of a stream as it arrives.</summary>
    public static readonly RpcMethod<EchoRequest, EchoReply> Chat = new(Service, "Chat", RpcMethodType.DuplexStreaming);
}

/// <summary>The methods of <c>vectron.internal.RaftTransport</c> (protos/vectron/internal/raft.proto).</summary>
public static class RaftTransportMethods
{
    private const string Service = "vectron.internal.RaftTransport";

    /// <summary>One long-lived stream of batches per (sender, receiver).</summary>
    public static readonly RpcMethod<RaftBatch, RaftBatchStreamSummary> SendBatches = new(Service, "SendBatches", RpcMethodType.ClientStreaming);

    /// <summary>A snapshot payload in chunks.</summary>
    public static readonly RpcMethod<RaftSnapshotChunk, RaftSnapshotStreamSummary> SendSnapshot = new(Service, "SendSnapshot", RpcMethodType.ClientStreaming);

    /// <summary>Where a broken snapshot stream resumes.</summary>
    public static readonly RpcMethod<RaftSnapshotResumeRequest, RaftSnapshotResumeReply> ResumeSnapshot = new(Service, "ResumeSnapshot", RpcMethodType.Unary, idempotent: true);
}

/// <summary>The methods of <c>vectron.internal.Shard</c> (protos/vectron/internal/shard.proto).</summary>
public static class ShardMethods
{
    private const string Service = "vectron.internal.Shard";

    /// <summary>Upserts points into a shard (deduplicated by client and request id, so retried safely by the caller).</summary>
    public static readonly RpcMethod<ShardUpsertRequest, ShardWriteReply> Upsert = new(Service, "Upsert", RpcMethodType.Unary);

    /// <summary>Deletes points from a shard.</summary>
    public static readonly RpcMethod<ShardDeleteRequest, ShardWriteReply> Delete = new(Service, "Delete", RpcMethodType.Unary);

    /// <summary>Reads points by id.</summary>
    public static readonly RpcMethod<ShardGetRequest, ShardGetReply> Get = new(Service, "Get", RpcMethodType.Unary, idempotent: true);

    /// <summary>Searches a shard.</summary>
    public static readonly RpcMethod<ShardSearchRequest, ShardSearchReply> Search = new(Service, "Search", RpcMethodType.Unary, idempotent: true);
}

/// <summary>The methods of <c>vectron.internal.Placement</c> (protos/vectron/internal/placement.proto).</summary>
public static class PlacementMethods
{
    private const string Service = "vectron.internal.Placement";

    /// <summary>Registers a worker.</summary>
    public static readonly RpcMethod<RegisterWorkerRequest, RegisterWorkerReply> RegisterWorker = new(Service, "RegisterWorker", RpcMethodType.Unary, idempotent: true);

    /// <summary>A worker's heartbeat, answered with its assignments.</summary>
    public static readonly RpcMethod<WorkerHeartbeat, WorkerHeartbeatReply> Heartbeat = new(Service, "Heartbeat", RpcMethodType.Unary, idempotent: true);

    /// <summary>The routing table, sent again whenever it changes.</summary>
    public static readonly RpcMethod<RoutingTableRequest, RoutingTable> WatchRoutes = new(Service, "WatchRoutes", RpcMethodType.ServerStreaming);
}

/// <summary>The methods of the public <c>vectron.v1.Points</c> service (protos/vectron/v1/points.proto).</summary>
public static class PointsMethods
{
    private const string Service = "vectron.v1.Points";

    /// <summary>Upserts points.</summary>
    public static readonly RpcMethod<V1.UpsertPointsRequest, V1.UpdateResult> Upsert = new(Service, "Upsert", RpcMethodType.Unary);

    /// <summary>Deletes points.</summary>
    public static readonly RpcMethod<V1.DeletePointsRequest, V1.UpdateResult> Delete = new(Service, "Delete", RpcMethodType.Unary);

    /// <summary>Reads points by id.</summary>
    public static readonly RpcMethod<V1.GetPointsRequest, V1.GetPointsResponse> Get = new(Service, "Get", RpcMethodType.Unary, idempotent: true);

    /// <summary>Searches a collection.</summary>
    public static readonly RpcMethod<V1.SearchRequest, V1.SearchResponse> Search = new(Service, "Search", RpcMethodType.Unary, idempotent: true);
}

/// <summary>The methods of the public <c>vectron.v1.Collections</c> service (protos/vectron/v1/points.proto).</summary>
public static class CollectionsMethods
{
    private const string Service = "vectron.v1.Collections";

    /// <summary>Creates a collection.</summary>
    public static readonly RpcMethod<V1.CreateCollectionRequest, V1.OperationResult> Create = new(Service, "Create", RpcMethodType.Unary);

    /// <summary>Describes a collection.</summary>
    public static readonly RpcMethod<V1.CollectionRequest, V1.CollectionInfo> Get = new(Service, "Get", RpcMethodType.Unary, idempotent: true);

    /// <summary>Lists the collections.</summary>
    public static readonly RpcMethod<V1.ListCollectionsRequest, V1.ListCollectionsResponse> List = new(Service, "List", RpcMethodType.Unary, idempotent: true);

    /// <summary>Deletes a collection.</summary>
    public static readonly RpcMethod<V1.CollectionRequest, V1.OperationResult> Delete = new(Service, "Delete", RpcMethodType.Unary);
}

/// <summary>
/// The methods of <c>vectron.internal.BenchKv</c> (protos/vectron/internal/benchkv.proto): the key-value service of the
/// benchmark node process (<c>vectron raft-node</c>).
/// </summary>
public static class BenchKvMethods
{
    private const string Service = "vectron.internal.BenchKv";

    /// <summary>Writes a value through the node's Raft group (deduplicated by client and request id).</summary>
    public static readonly RpcMethod<BenchPutRequest, BenchPutReply> Put = new(Service, "Put", RpcMethodType.Unary);

    /// <summary>The node's view of its group: leader, term, commit and applied index.</summary>
    public static readonly RpcMethod<BenchStatusRequest, BenchStatusReply> Status = new(Service, "Status", RpcMethodType.Unary, idempotent: true);
}

/// <summary>
/// Two methods of etcd's v3 API (protos/etcd/etcdserverpb/rpc.proto, a partial copy of etcd's contract), so the Raft
/// benchmark drives an etcd cluster with the same client code it drives Vectron with.
/// </summary>
public static class EtcdMethods
{
    /// <summary><c>/etcdserverpb.KV/Put</c>.</summary>
    public static readonly RpcMethod<Protocol.Etcd.PutRequest, Protocol.Etcd.PutResponse> Put = new("etcdserverpb.KV", "Put", RpcMethodType.Unary);

    /// <summary><c>/etcdserverpb.Maintenance/Status</c>: the member's id (in the header) and the leader it knows.</summary>
    public static readonly RpcMethod<Protocol.Etcd.StatusRequest, Protocol.Etcd.StatusResponse> Status = new("etcdserverpb.Maintenance", "Status", RpcMethodType.Unary, idempotent: true);
}
