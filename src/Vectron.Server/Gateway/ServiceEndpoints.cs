using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Vectron.Raft.Core;
using Vectron.Server.Node;
using Vectron.Server.Placement;

namespace Vectron.Server.Gateway;

/// <summary><c>GET /</c>, health and readiness probes, <c>/cluster</c> and the OpenAPI document.</summary>
internal sealed class ServiceEndpoints(VectronNode node, RestApi api)
{
    /// <summary>
    /// The Qdrant version reported at <c>GET /</c>, which Qdrant's clients compare with their own (they
    /// warn when the minor versions differ by more than one): the client version the compatibility
    /// test runs (tests/Vectron.Cli.Tests/Serve/QdrantJs). The endpoints served are a subset of it.
    /// </summary>
    public const string QdrantApiVersion = "1.19.0";

    public void Map(WebApplication app, RestApi routes)
    {
        routes.Route(app, "GET", "/", Root);
        routes.Route(app, "GET", "/healthz", call => Text(call, StatusCodes.Status200OK, "healthz check passed"));
        routes.Route(app, "GET", "/livez", call => Text(call, StatusCodes.Status200OK, "livez check passed"));
        routes.Route(app, "GET", "/readyz", call => node.IsReady
            ? Text(call, StatusCodes.Status200OK, "all shards are ready")
            : Text(call, StatusCodes.Status503ServiceUnavailable, "some shards are not ready"));
        routes.Route(app, "GET", "/cluster", Cluster);
        routes.Route(app, "GET", "/collections/{name}/cluster", CollectionCluster);
        routes.Route(app, "GET", "/openapi/v1.json", OpenApi);
    }

    private static async Task Root(ApiCall call)
    {
        // Qdrant answers GET / without the result envelope.
        var response = call.Context.Response;
        response.ContentType = "application/json";
        string version = typeof(ServiceEndpoints).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
        await response.WriteAsync(
            $"{{\"title\":\"vectron - vector search engine\",\"version\":\"{QdrantApiVersion}\",\"vectron_version\":\"{version}\"}}",
            call.Aborted).ConfigureAwait(false);
    }

    private static async Task Text(ApiCall call, int status, string text)
    {
        var response = call.Context.Response;
        response.StatusCode = status;
        response.ContentType = "text/plain; charset=utf-8";
        await response.WriteAsync(text, Encoding.UTF8, call.Aborted).ConfigureAwait(false);
    }

    private async Task Cluster(ApiCall call)
    {
        var status = await node.GroupStatusAsync(PlacementState.PlacementGroupId, call.Aborted).ConfigureAwait(false);
        var state = node.Placement.Current;
        var url = $"http://{call.Context.Request.Host}";
        await call.OkAsync(writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("status", "enabled");
            writer.WriteNumber("peer_id", VectronNode.NodeId);
            writer.WriteStartObject("peers");
            writer.WriteStartObject(VectronNode.NodeId.ToString(CultureInfo.InvariantCulture));
            writer.WriteString("uri", url);
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteStartObject("raft_info");
            writer.WriteNumber("term", status?.HardState.Term ?? 0);
            writer.WriteNumber("commit", status?.HardState.Commit ?? 0);
            writer.WriteNumber("pending_operations", 0);
            if (status is { Leader: > 0 })
            {
                writer.WriteNumber("leader", status.Leader);
            }
            else
            {
                writer.WriteNull("leader");
            }
            writer.WriteString("role", status is null ? "Unknown" : RoleName(status.Role));
            writer.WriteBoolean("is_voter", true);
            writer.WriteEndObject();
            writer.WriteStartObject("consensus_thread_status");
            writer.WriteString("consensus_thread_status", "working");
            writer.WriteEndObject();
            writer.WriteNumber("metadata_epoch", state.Epoch);
            writer.WriteBoolean("ready", node.IsReady);
            writer.WriteEndObject();
        }).ConfigureAwait(false);
    }

    private async Task CollectionCluster(ApiCall call)
    {
        var collection = api.Collections.Resolve(call.Route("name"));
        var counts = await api.Collections.ReadAllAsync(collection, ReadMode.Any, (shard, _) => shard.GetStats().Points, call.Aborted).ConfigureAwait(false);
        var statuses = new RaftStatus?[collection.ShardGroups.Length];
        for (int i = 0; i < statuses.Length; i++)
        {
            statuses[i] = await node.GroupStatusAsync(collection.ShardGroups[i], call.Aborted).ConfigureAwait(false);
        }
        await call.OkAsync(writer =>
        {
            writer.WriteStartObject();
            writer.WriteNumber("peer_id", VectronNode.NodeId);
            writer.WriteNumber("shard_count", collection.ShardGroups.Length);
            writer.WriteStartArray("local_shards");
            for (int i = 0; i < collection.ShardGroups.Length; i++)
            {
                writer.WriteStartObject();
                writer.WriteNumber("shard_id", i);
                writer.WriteNumber("points_count", counts[i]);
                writer.WriteString("state", statuses[i] is { Role: RaftRole.Leader } ? "Active" : "Initializing");
                writer.WriteNumber("raft_group", collection.ShardGroups[i]);
                writer.WriteString("raft_role", statuses[i] is { } status ? RoleName(status.Role) : "Stopped");
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteStartArray("remote_shards");
            writer.WriteEndArray();
            writer.WriteStartArray("shard_transfers");
            writer.WriteEndArray();
            writer.WriteEndObject();
        }).ConfigureAwait(false);
    }

    private async Task OpenApi(ApiCall call)
    {
        var response = call.Context.Response;
        response.ContentType = "application/json";
        await response.Body.WriteAsync(OpenApiDocument.Build(api.Routes), call.Aborted).ConfigureAwait(false);
    }

    private static string RoleName(RaftRole role) => role switch
    {
        RaftRole.Leader => "Leader",
        RaftRole.Candidate => "Candidate",
        RaftRole.PreCandidate => "PreCandidate",
        _ => "Follower",
    };
}
