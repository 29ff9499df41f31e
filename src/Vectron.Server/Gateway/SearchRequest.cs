using System.Text.Json;
using Vectron.Server.Model;
using Vectron.Server.Placement;

namespace Vectron.Server.Gateway;

/// <summary>A parsed search (from <c>points/search</c>, a batch item, or <c>points/query</c>).</summary>
/// <param name="Vector">The query vector, or null when <paramref name="ById"/> names a stored point.</param>
/// <param name="ById">Search near this stored point's vector (and leave the point itself out).</param>
/// <param name="Limit">How many hits.</param>
/// <param name="Offset">How many best hits to skip.</param>
/// <param name="Filter">Only points the filter admits.</param>
/// <param name="Ef">hnsw_ef.</param>
/// <param name="Exact">Exact search.</param>
/// <param name="IgnoreQuantization">quantization.ignore.</param>
/// <param name="Rescore">quantization.rescore.</param>
/// <param name="Oversampling">quantization.oversampling.</param>
/// <param name="ScoreThreshold">score_threshold.</param>
/// <param name="WithPayload">with_payload.</param>
/// <param name="WithVector">with_vector.</param>
/// <param name="Mode">consistency.</param>
public sealed record SearchRequest(float[]? Vector, PointId? ById, int Limit, int Offset, Filter? Filter, int? Ef, bool Exact, bool IgnoreQuantization,
    bool Rescore, float? Oversampling, float? ScoreThreshold, PayloadSelector WithPayload, bool WithVector, ReadMode Mode)
{
    /// <summary>The largest limit + offset accepted.</summary>
    public const int MaxHits = 100_000;

    /// <summary>Parses a <c>points/search</c> body (limit required, as in Qdrant).</summary>
    public static SearchRequest ParseSearch(JsonElement body, CollectionConfig config, string? queryConsistency, string path = "")
    {
        ArgumentNullException.ThrowIfNull(config);
        var vectorJson = JsonFields.Optional(body, "vector") ?? throw ApiException.BadField(path + "vector", "missing field");
        if (vectorJson.ValueKind == JsonValueKind.Object)
        {
            // Qdrant's named form {"name": "", "vector": [...]}: only the default (unnamed) vector exists.
            string? name = JsonFields.OptionalString(vectorJson, "name", path + "vector.name");
            if (!string.IsNullOrEmpty(name))
            {
                throw ApiException.BadField(path + "vector.name", $"unknown vector name `{name}`: collections have one unnamed vector");
            }
            vectorJson = JsonFields.Required(vectorJson, "vector", path + "vector.vector");
        }
        var vector = JsonFields.Vector(vectorJson, path + "vector", config.VectorSize);
        int limit = (int)(JsonFields.OptionalInt(body, "limit", path + "limit", 1, MaxHits) ?? throw ApiException.BadField(path + "limit", "missing field"));
        return ParseCommon(body, vector, null, limit, defaultWithPayload: false, queryConsistency, path);
    }

    /// <summary>Parses a <c>points/query</c> body: query is a vector, {nearest: vector | id}, or a point id.</summary>
    public static SearchRequest ParseQuery(JsonElement body, CollectionConfig config, string? queryConsistency, string prefix = "")
    {
        ArgumentNullException.ThrowIfNull(config);
        if (JsonFields.Optional(body, "prefetch") is not null)
        {
            throw ApiException.BadField(prefix + "prefetch", "prefetch is not supported");
        }
        if (JsonFields.OptionalString(body, "using", prefix + "using") is { Length: > 0 } name)
        {
            throw ApiException.BadField(prefix + "using", $"unknown vector name `{name}`: collections have one unnamed vector");
        }
        var query = JsonFields.Optional(body, "query") ?? throw ApiException.BadField(prefix + "query", "missing field (a vector, {\"nearest\": …} or a point id)");
        string path = prefix + "query";
        if (query.ValueKind == JsonValueKind.Object)
        {
            if (JsonFields.Optional(query, "nearest") is not { } nearest)
            {
                // An empty object has no first property: default(JsonProperty).Name throws.
                foreach (var property in query.EnumerateObject())
                {
                    throw ApiException.BadField(path, $"query kind `{property.Name}` is not supported (use a vector, nearest or a point id)");
                }
                throw ApiException.BadField(path, "an empty object is not a query (use a vector, nearest or a point id)");
            }
            query = nearest;
            path += ".nearest";
        }
        float[]? vector = null;
        PointId? byId = null;
        if (query.ValueKind == JsonValueKind.Array)
        {
            vector = JsonFields.Vector(query, path, config.VectorSize);
        }
        else
        {
            byId = PointRequests.Id(query, path);
        }
        int limit = (int)(JsonFields.OptionalInt(body, "limit", prefix + "limit", 1, MaxHits) ?? 10);
        return ParseCommon(body, vector, byId, limit, defaultWithPayload: false, queryConsistency, prefix);
    }

    private static SearchRequest ParseCommon(JsonElement body, float[]? vector, PointId? byId, int limit, bool defaultWithPayload, string? queryConsistency, string path)
    {
        int offset = (int)(JsonFields.OptionalInt(body, "offset", path + "offset", 0, MaxHits) ?? 0);
        if (offset + limit > MaxHits)
        {
            throw ApiException.BadField(path + "offset", $"offset + limit must not exceed {MaxHits}");
        }
        var filter = JsonFields.Optional(body, "filter") is { } filterJson ? Model.Filter.Parse(filterJson, path + "filter") : null;
        int? ef = null;
        bool exact = false, ignore = false, rescore = true;
        float? oversampling = null;
        if (JsonFields.OptionalObject(body, "params", path + "params") is { } parameters)
        {
            ef = (int?)JsonFields.OptionalInt(parameters, "hnsw_ef", path + "params.hnsw_ef", 1, 100_000);
            exact = JsonFields.OptionalBool(parameters, "exact", path + "params.exact") ?? false;
            JsonFields.OptionalBool(parameters, "indexed_only", path + "params.indexed_only");
            if (JsonFields.OptionalObject(parameters, "quantization", path + "params.quantization") is { } quantization)
            {
                ignore = JsonFields.OptionalBool(quantization, "ignore", path + "params.quantization.ignore") ?? false;
                rescore = JsonFields.OptionalBool(quantization, "rescore", path + "params.quantization.rescore") ?? true;
                if (JsonFields.OptionalNumber(quantization, "oversampling", path + "params.quantization.oversampling") is { } value)
                {
                    oversampling = value is >= 1 and <= 100 ? (float)value
                        : throw ApiException.BadField(path + "params.quantization.oversampling", $"must be between 1 and 100, not {value}");
                }
            }
        }
        float? threshold = JsonFields.OptionalNumber(body, "score_threshold", path + "score_threshold") is { } t ? (float)t : null;
        var withPayload = JsonFields.Optional(body, "with_payload") is { } payloadJson
            ? PayloadSelector.Parse(payloadJson, path + "with_payload")
            : defaultWithPayload ? PayloadSelector.All : PayloadSelector.None;
        bool withVector = PointRequests.WithVector(body, defaultValue: false);
        var mode = ReadModes.Parse(body, queryConsistency);
        return new SearchRequest(vector, byId, limit, offset, filter, ef, exact, ignore, rescore, oversampling, threshold, withPayload, withVector, mode);
    }
}
