using System.Buffers;
using System.Text.Json;

namespace Vectron.Server.Gateway;

/// <summary>
/// The OpenAPI 3.0 document served at <c>/openapi/v1.json</c>, built from the route table: every path
/// and method with its path parameters, its purpose, the envelope of its answers and the error
/// statuses. Request bodies are Qdrant's; they are described by name and linked, not re-specified.
/// </summary>
internal static class OpenApiDocument
{
    private static readonly Dictionary<string, string> Summaries = new(StringComparer.Ordinal)
    {
        ["GET /"] = "Server title and the Qdrant API version followed",
        ["GET /healthz"] = "Liveness (text)",
        ["GET /livez"] = "Liveness (text)",
        ["GET /readyz"] = "Readiness: 200 once every shard group has a leader and replayed its log, else 503",
        ["GET /cluster"] = "This node's Raft status (placement group) and metadata epoch",
        ["GET /collections/{name}/cluster"] = "Shards of a collection, their Raft groups and point counts",
        ["GET /openapi/v1.json"] = "This document",
        ["GET /collections"] = "List collections",
        ["GET /collections/{name}"] = "Collection info: status, points, indexed points, config, payload schema",
        ["PUT /collections/{name}"] = "Create a collection: vectors {size, distance}, shard_number, hnsw_config, quantization_config (scalar int8)",
        ["PATCH /collections/{name}"] = "Update hnsw_config / quantization_config on every shard (graphs rebuilt in the background; optimizers_config accepted and ignored)",
        ["DELETE /collections/{name}"] = "Delete a collection and its aliases",
        ["GET /collections/{name}/exists"] = "Whether a collection exists",
        ["GET /aliases"] = "List all aliases",
        ["GET /collections/aliases"] = "List all aliases",
        ["GET /collections/{name}/aliases"] = "Aliases of a collection",
        ["POST /collections/aliases"] = "Alias actions (create_alias, delete_alias, rename_alias), applied atomically",
        ["PUT /collections/{name}/points"] = "Upsert points (points list or batch); ?wait=true waits until applied",
        ["POST /collections/{name}/points"] = "Get points by ids",
        ["GET /collections/{name}/points/{id}"] = "Get one point",
        ["POST /collections/{name}/points/delete"] = "Delete points by ids or filter",
        ["POST /collections/{name}/points/payload"] = "Set payload keys (optionally under key)",
        ["PUT /collections/{name}/points/payload"] = "Overwrite payload",
        ["POST /collections/{name}/points/payload/delete"] = "Delete payload keys",
        ["POST /collections/{name}/points/payload/clear"] = "Clear payload",
        ["POST /collections/{name}/points/count"] = "Count points (exact), optionally filtered",
        ["POST /collections/{name}/points/scroll"] = "Page through points in id order (next_page_offset)",
        ["POST /collections/{name}/points/search"] = "Nearest neighbours of a vector",
        ["POST /collections/{name}/points/search/batch"] = "Several searches in one request",
        ["POST /collections/{name}/points/query"] = "Universal query: nearest to a vector or to a stored point",
        ["POST /collections/{name}/points/query/batch"] = "Several universal queries in one request",
        ["POST /collections/{name}/snapshots"] = "Create a collection snapshot (every shard)",
        ["GET /collections/{name}/snapshots"] = "List a collection's snapshots",
        ["GET /collections/{name}/snapshots/{snapshot_name}"] = "Download a snapshot file",
        ["DELETE /collections/{name}/snapshots/{snapshot_name}"] = "Delete a snapshot",
        ["POST /collections/{name}/snapshots/upload"] = "Recover (replace) a collection from an uploaded snapshot file (raw body or multipart field `snapshot`)",
        ["PUT /collections/{name}/snapshots/recover"] = "Recover (replace) a collection from a stored snapshot file ({\"location\": name or file:// path})",
        ["PUT /collections/{name}/index"] = "Create a payload index (keyword, integer, float, bool, datetime, uuid, text)",
        ["DELETE /collections/{name}/index/{field_name}"] = "Delete a payload index",
    };

    public static ReadOnlyMemory<byte> Build(IReadOnlyList<(string Method, string Pattern)> routes)
    {
        var buffer = new ArrayBufferWriter<byte>(16 * 1024);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteString("openapi", "3.0.3");
            writer.WriteStartObject("info");
            writer.WriteString("title", "Vectron REST API");
            writer.WriteString("description", "Qdrant-compatible REST API of `vectron serve`. Request bodies follow Qdrant's API "
                + "(https://api.qdrant.tech); Vectron adds the read field `consistency`: linearizable (default), leader or any.");
            writer.WriteString("version", ServiceEndpoints.QdrantApiVersion);
            writer.WriteEndObject();
            writer.WriteStartObject("paths");
            foreach (var group in routes.GroupBy(route => route.Pattern).OrderBy(group => group.Key, StringComparer.Ordinal))
            {
                writer.WriteStartObject(group.Key);
                foreach (var (method, pattern) in group)
                {
                    WriteOperation(writer, method, pattern);
                }
                writer.WriteEndObject();
            }
            writer.WriteEndObject();
            WriteComponents(writer);
            writer.WriteEndObject();
        }
        return buffer.WrittenMemory;
    }

    private static void WriteOperation(Utf8JsonWriter writer, string method, string pattern)
    {
        writer.WriteStartObject(method.ToLowerInvariant());
        writer.WriteString("summary", Summaries.GetValueOrDefault($"{method} {pattern}", $"{method} {pattern}"));
        writer.WriteStartArray("parameters");
        foreach (string segment in pattern.Split('/'))
        {
            if (segment.StartsWith('{'))
            {
                writer.WriteStartObject();
                writer.WriteString("name", segment.Trim('{', '}'));
                writer.WriteString("in", "path");
                writer.WriteBoolean("required", true);
                writer.WriteStartObject("schema");
                writer.WriteString("type", "string");
                writer.WriteEndObject();
                writer.WriteEndObject();
            }
        }
        if (pattern.Contains("/points", StringComparison.Ordinal) && method is "PUT" or "POST")
        {
            writer.WriteStartObject();
            writer.WriteString("name", "wait");
            writer.WriteString("in", "query");
            writer.WriteBoolean("required", false);
            writer.WriteStartObject("schema");
            writer.WriteString("type", "boolean");
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        if (method is "PUT" or "POST" or "PATCH")
        {
            writer.WriteStartObject("requestBody");
            writer.WriteStartObject("content");
            writer.WriteStartObject("application/json");
            writer.WriteStartObject("schema");
            writer.WriteString("type", "object");
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
        writer.WriteStartObject("responses");
        WriteResponse(writer, "200", "Success", "#/components/schemas/Ok");
        foreach (var (code, text) in (ReadOnlySpan<(string, string)>)[("400", "Bad request (the message names the field)"), ("404", "Not found"),
            ("409", "Conflict"), ("413", "Body over the size limit"), ("503", "Unavailable; retry"), ("500", "Internal error")])
        {
            WriteResponse(writer, code, text, "#/components/schemas/Error");
        }
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void WriteResponse(Utf8JsonWriter writer, string code, string description, string schema)
    {
        writer.WriteStartObject(code);
        writer.WriteString("description", description);
        writer.WriteStartObject("content");
        writer.WriteStartObject("application/json");
        writer.WriteStartObject("schema");
        writer.WriteString("$ref", schema);
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void WriteComponents(Utf8JsonWriter writer)
    {
        writer.WriteStartObject("components");
        writer.WriteStartObject("schemas");
        writer.WriteStartObject("Ok");
        writer.WriteString("type", "object");
        writer.WriteStartObject("properties");
        writer.WriteStartObject("result");
        writer.WriteString("description", "The answer; its shape depends on the endpoint");
        writer.WriteEndObject();
        writer.WriteStartObject("status");
        writer.WriteString("type", "string");
        writer.WriteEndObject();
        writer.WriteStartObject("time");
        writer.WriteString("type", "number");
        writer.WriteString("description", "Seconds spent");
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteStartObject("Error");
        writer.WriteString("type", "object");
        writer.WriteStartObject("properties");
        writer.WriteStartObject("status");
        writer.WriteString("type", "object");
        writer.WriteStartObject("properties");
        writer.WriteStartObject("error");
        writer.WriteString("type", "string");
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteStartObject("time");
        writer.WriteString("type", "number");
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}
