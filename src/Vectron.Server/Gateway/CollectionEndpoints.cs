using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Vectron.Server.Model;
using Vectron.Server.Node;
using Vectron.Server.Placement;
using Vectron.Server.Worker;

namespace Vectron.Server.Gateway;

/// <summary>Collections: create, info, list, delete, exists, update; payload indexes.</summary>
internal sealed class CollectionEndpoints(VectronNode node, CollectionRouter collections)
{
    public void Map(WebApplication app, RestApi routes)
    {
        routes.Route(app, "GET", "/collections", List);
        routes.Route(app, "GET", "/collections/{name}", Info);
        routes.Route(app, "PUT", "/collections/{name}", Create);
        routes.Route(app, "PATCH", "/collections/{name}", Update);
        routes.Route(app, "DELETE", "/collections/{name}", Delete);
        routes.Route(app, "GET", "/collections/{name}/exists", Exists);
        routes.Route(app, "PUT", "/collections/{name}/index", CreateIndex);
        routes.Route(app, "DELETE", "/collections/{name}/index/{field_name}", DeleteIndex);
    }

    private Task List(ApiCall call)
    {
        var state = node.Placement.Current;
        return call.OkAsync(writer =>
        {
            writer.WriteStartObject();
            writer.WriteStartArray("collections");
            foreach (string name in state.Collections.Keys)
            {
                if (PlacementState.IsHidden(name))
                {
                    continue;
                }
                writer.WriteStartObject();
                writer.WriteString("name", name);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        });
    }

    private Task Exists(ApiCall call)
    {
        bool exists = node.Placement.Current.Resolve(call.Route("name")) is not null;
        return call.OkAsync(writer =>
        {
            writer.WriteStartObject();
            writer.WriteBoolean("exists", exists);
            writer.WriteEndObject();
        });
    }

    private async Task Create(ApiCall call)
    {
        string name = call.Route("name");
        using var body = await call.ReadJsonAsync().ConfigureAwait(false);
        if (PlacementStateMachine.ValidateName(name, "collection") is { } invalid)
        {
            throw new ApiException(invalid);
        }
        var config = CollectionRequests.ParseCreate(body.RootElement, node.Options.DefaultShardNumber);
        await ProposeAsync(new CreateCollectionCommand(name, config), call).ConfigureAwait(false);
        await call.OkTrueAsync().ConfigureAwait(false);
    }

    private async Task Update(ApiCall call)
    {
        string name = call.Route("name");
        using var body = await call.ReadJsonAsync().ConfigureAwait(false);
        var current = (PlacementState.IsHidden(name) ? null : node.Placement.Current.Collections.GetValueOrDefault(name))
            ?? throw ApiException.CollectionNotFound(name);
        await ProposeAsync(CollectionRequests.ParseUpdate(name, body.RootElement), call).ConfigureAwait(false);
        // Then every shard gets the new index settings through its own log (it rebuilds its graph in
        // the background); a crash before this is finished by the node's next start.
        var (updated, results) = await node.SyncIndexSettingsAsync(name, onlyWhereDifferent: false, call.Aborted).ConfigureAwait(false);
        CollectionRouter.Collect(updated ?? throw ApiException.CollectionNotFound(name), results);
        await call.OkTrueAsync().ConfigureAwait(false);
    }

    private async Task Delete(ApiCall call)
    {
        string name = call.Route("name");
        if (PlacementState.IsHidden(name) || !node.Placement.Current.Collections.ContainsKey(name))
        {
            // Qdrant answers a delete of a missing collection with result false.
            await call.OkAsync(static writer => writer.WriteBooleanValue(false)).ConfigureAwait(false);
            return;
        }
        await ProposeAsync(new DeleteCollectionCommand(name), call).ConfigureAwait(false);
        await call.OkTrueAsync().ConfigureAwait(false);
    }

    private async Task Info(ApiCall call)
    {
        var collection = collections.Resolve(call.Route("name"));
        var stats = await collections.ReadAllAsync(collection, ReadMode.Leader, (shard, _) => shard.GetStats(), call.Aborted).ConfigureAwait(false);
        long points = 0, indexed = 0;
        bool rebuilding = false;
        var indexPoints = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var shard in stats)
        {
            points += shard.Points;
            indexed += shard.IndexedPoints;
            rebuilding |= shard.Rebuilding;
            foreach (var index in shard.PayloadIndexes)
            {
                indexPoints[index.Field] = indexPoints.GetValueOrDefault(index.Field) + index.Points;
            }
        }
        var config = collection.Config;
        await call.OkAsync(writer =>
        {
            writer.WriteStartObject();
            // Yellow while points wait for the indexer or a graph with new settings is being built (Qdrant: optimizing).
            writer.WriteString("status", indexed >= points && !rebuilding ? "green" : "yellow");
            writer.WriteString("optimizer_status", "ok");
            writer.WriteNumber("vectors_count", points);
            writer.WriteNumber("indexed_vectors_count", indexed);
            writer.WriteNumber("points_count", points);
            writer.WriteNumber("segments_count", collection.ShardGroups.Length);
            writer.WriteStartObject("config");
            writer.WriteStartObject("params");
            writer.WriteStartObject("vectors");
            writer.WriteNumber("size", config.VectorSize);
            writer.WriteString("distance", config.Distance.ToString());
            writer.WriteEndObject();
            writer.WriteNumber("shard_number", config.ShardNumber);
            writer.WriteNumber("replication_factor", 1);
            writer.WriteNumber("write_consistency_factor", 1);
            writer.WriteBoolean("on_disk_payload", false);
            writer.WriteEndObject();
            writer.WriteStartObject("hnsw_config");
            writer.WriteNumber("m", config.Hnsw.M);
            writer.WriteNumber("ef_construct", config.Hnsw.EfConstruct);
            writer.WriteNumber("full_scan_threshold", config.Hnsw.FullScanThreshold);
            writer.WriteNumber("max_indexing_threads", 0);
            writer.WriteBoolean("on_disk", false);
            writer.WriteEndObject();
            writer.WriteStartObject("optimizer_config");
            writer.WriteNumber("deleted_threshold", 0.2);
            writer.WriteNumber("vacuum_min_vector_number", 1000);
            writer.WriteNumber("default_segment_number", 0);
            writer.WriteNull("max_segment_size");
            writer.WriteNull("memmap_threshold");
            writer.WriteNumber("indexing_threshold", 0);
            writer.WriteNumber("flush_interval_sec", 0);
            writer.WriteNull("max_optimization_threads");
            writer.WriteEndObject();
            writer.WriteStartObject("wal_config");
            writer.WriteNumber("wal_capacity_mb", node.Options.LogSegmentSize >> 20);
            writer.WriteNumber("wal_segments_ahead", 0);
            writer.WriteEndObject();
            if (config.Quantization is { } quantization)
            {
                writer.WriteStartObject("quantization_config");
                writer.WriteStartObject("scalar");
                writer.WriteString("type", "int8");
                if (quantization.Quantile is { } quantile)
                {
                    writer.WriteNumber("quantile", quantile);
                }
                writer.WriteBoolean("always_ram", quantization.AlwaysRam);
                writer.WriteEndObject();
                writer.WriteEndObject();
            }
            else
            {
                writer.WriteNull("quantization_config");
            }
            writer.WriteEndObject();
            writer.WriteStartObject("payload_schema");
            foreach (var (field, schema) in collection.PayloadIndexes)
            {
                writer.WriteStartObject(field);
                writer.WriteString("data_type", schema);
                writer.WriteStartObject("params");
                writer.WriteString("type", schema);
                writer.WriteEndObject();
                writer.WriteNumber("points", indexPoints.GetValueOrDefault(field));
                writer.WriteEndObject();
            }
            writer.WriteEndObject();
            writer.WriteEndObject();
        }).ConfigureAwait(false);
    }

    private async Task CreateIndex(ApiCall call)
    {
        var collection = collections.Resolve(call.Route("name"));
        call.QueryFlag("wait", false); // validated; index changes are always waited for
        using var body = await call.ReadJsonAsync().ConfigureAwait(false);
        var root = body.RootElement;
        string field = JsonFields.RequiredString(root, "field_name", "field_name");
        if (field.Length == 0)
        {
            throw ApiException.BadField("field_name", "must not be empty");
        }
        var schemaJson = JsonFields.Required(root, "field_schema", "field_schema");
        string? schemaName = schemaJson.ValueKind switch
        {
            JsonValueKind.String => schemaJson.GetString(),
            JsonValueKind.Object => JsonFields.RequiredString(schemaJson, "type", "field_schema.type"),
            _ => throw ApiException.BadField("field_schema", $"expected a schema name or {{\"type\": …}}, not {JsonFields.Text(schemaJson)}"),
        };
        if (!PayloadSchemaTypes.TryParse(schemaName, out var schema))
        {
            throw ApiException.BadField("field_schema", $"unknown schema `{schemaName}` (keyword, integer, float, bool, datetime, uuid, text)");
        }
        await ProposeAsync(new SetPayloadIndexCommand(collection.Name, field, schema.ToName()), call).ConfigureAwait(false);
        await collections.BroadcastAsync(collection, new CreatePayloadIndex(field, schema), call.Aborted).ConfigureAwait(false);
        await WriteUpdateResultAsync(call, completed: true).ConfigureAwait(false);
    }

    private async Task DeleteIndex(ApiCall call)
    {
        var collection = collections.Resolve(call.Route("name"));
        call.QueryFlag("wait", false); // validated; index changes are always waited for
        string field = call.Route("field_name");
        await ProposeAsync(new DropPayloadIndexCommand(collection.Name, field), call).ConfigureAwait(false);
        await collections.BroadcastAsync(collection, new DeletePayloadIndex(field), call.Aborted).ConfigureAwait(false);
        await WriteUpdateResultAsync(call, completed: true).ConfigureAwait(false);
    }

    private async Task ProposeAsync(PlacementCommand command, ApiCall call)
    {
        var (raft, outcome) = await node.ProposePlacementAsync(command, call.Aborted).ConfigureAwait(false);
        if (raft != Raft.Hosting.RaftOutcome.Ok)
        {
            throw ErrorMapping.FromRaft(raft, "placement change");
        }
        if (!outcome.IsOk)
        {
            throw ErrorMapping.FromPlacement(outcome);
        }
    }

    private Task WriteUpdateResultAsync(ApiCall call, bool completed) => collections.WriteUpdateResultAsync(call, completed);
}

