using System.Text.Json;
using Vectron.Server.Model;
using Vectron.Server.Placement;
using Vectron.Server.Worker;

namespace Vectron.Server.Gateway;

/// <summary>Parses point ids, point lists, selectors and payload options of point requests (Qdrant's shapes).</summary>
public static class PointRequests
{
    /// <summary>One point id; a 400 naming <paramref name="path"/> when it is not an unsigned integer or a UUID.</summary>
    public static PointId Id(JsonElement json, string path)
    {
        if (!PointId.TryParse(json, out var id, out string error))
        {
            throw ApiException.BadField(path, error);
        }
        return id;
    }

    /// <summary>A list of ids without duplicates.</summary>
    public static List<PointId> Ids(JsonElement json, string path)
    {
        if (json.ValueKind != JsonValueKind.Array)
        {
            throw ApiException.BadField(path, $"expected an array of ids, not {JsonFields.Text(json)}");
        }
        var ids = new List<PointId>(json.GetArrayLength());
        var seen = new Dictionary<PointId, int>();
        int i = 0;
        foreach (var item in json.EnumerateArray())
        {
            var id = Id(item, $"{path}[{i}]");
            if (!seen.TryAdd(id, i))
            {
                throw ApiException.BadField($"{path}[{i}]", $"duplicate id {id} (also at {path}[{seen[id]}])");
            }
            ids.Add(id);
            i++;
        }
        return ids;
    }

    /// <summary>The points of an upsert: <c>{"points": [{id, vector, payload}]}</c> or <c>{"batch": {ids, vectors, payloads}}</c>.</summary>
    public static List<PointWrite> Upsert(JsonElement body, CollectionConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var points = new List<PointWrite>();
        var seen = new Dictionary<PointId, string>();
        void Add(PointId id, float[] vector, JsonElement? payload, string path)
        {
            if (!seen.TryAdd(id, path))
            {
                throw ApiException.BadField($"{path}.id", $"duplicate id {id} in the batch (also at {seen[id]})");
            }
            points.Add(new PointWrite(id, vector, payload));
        }
        if (JsonFields.Optional(body, "points") is { } list)
        {
            if (list.ValueKind != JsonValueKind.Array)
            {
                throw ApiException.BadField("points", $"expected an array of points, not {JsonFields.Text(list)}");
            }
            int i = 0;
            foreach (var point in list.EnumerateArray())
            {
                string path = $"points[{i++}]";
                if (point.ValueKind != JsonValueKind.Object)
                {
                    throw ApiException.BadField(path, $"expected an object with id and vector, not {JsonFields.Text(point)}");
                }
                var id = Id(JsonFields.Required(point, "id", $"{path}.id"), $"{path}.id");
                var vector = JsonFields.Vector(JsonFields.Required(point, "vector", $"{path}.vector"), $"{path}.vector", config.VectorSize);
                Add(id, vector, Payload(JsonFields.Optional(point, "payload"), $"{path}.payload"), path);
            }
            return points;
        }
        if (JsonFields.OptionalObject(body, "batch", "batch") is { } batch)
        {
            var ids = JsonFields.Required(batch, "ids", "batch.ids");
            var vectors = JsonFields.Required(batch, "vectors", "batch.vectors");
            var payloads = JsonFields.Optional(batch, "payloads");
            if (ids.ValueKind != JsonValueKind.Array || vectors.ValueKind != JsonValueKind.Array)
            {
                throw ApiException.BadField("batch", "ids and vectors must be arrays");
            }
            int count = ids.GetArrayLength();
            if (vectors.GetArrayLength() != count)
            {
                throw ApiException.BadField("batch.vectors", $"has {vectors.GetArrayLength()} vectors for {count} ids");
            }
            if (payloads is { } p && (p.ValueKind != JsonValueKind.Array || p.GetArrayLength() != count))
            {
                throw ApiException.BadField("batch.payloads", $"expected an array of {count} payloads");
            }
            for (int i = 0; i < count; i++)
            {
                var id = Id(ids[i], $"batch.ids[{i}]");
                var vector = JsonFields.Vector(vectors[i], $"batch.vectors[{i}]", config.VectorSize);
                Add(id, vector, payloads is { } all ? Payload(all[i], $"batch.payloads[{i}]") : null, $"batch.ids[{i}]");
            }
            return points;
        }
        throw ApiException.BadField("points", "missing field (give points or batch)");
    }

    /// <summary>A payload: an object or null.</summary>
    public static JsonElement? Payload(JsonElement? json, string path)
    {
        if (json is not { } payload || payload.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        return payload.ValueKind == JsonValueKind.Object ? payload : throw ApiException.BadField(path, $"expected an object, not {JsonFields.Text(payload)}");
    }

    /// <summary>The optional filter field.</summary>
    public static Filter? Filter(JsonElement body, string name = "filter", string path = "filter")
    {
        if (JsonFields.Optional(body, name) is not { } json)
        {
            return null;
        }
        return Model.Filter.Parse(json, path);
    }

    /// <summary>A points selector: <c>points: [ids]</c> or <c>filter: {...}</c> (exactly one).</summary>
    public static PointSelector Selector(JsonElement body)
    {
        var points = JsonFields.Optional(body, "points");
        var filter = JsonFields.Optional(body, "filter");
        if (points is { } list && filter is null)
        {
            // Qdrant also accepts {"points": {"filter": ...}} from some clients.
            if (list.ValueKind == JsonValueKind.Object && JsonFields.Optional(list, "filter") is { } nested)
            {
                return PointSelector.ForFilter(Model.Filter.Parse(nested, "points.filter"));
            }
            return PointSelector.ForIds(Ids(list, "points"));
        }
        if (filter is { } f && points is null)
        {
            return PointSelector.ForFilter(Model.Filter.Parse(f, "filter"));
        }
        throw ApiException.BadField("points", points is null ? "missing field (give points or filter)" : "give either points or filter, not both");
    }

    /// <summary><c>with_payload</c>: bool, a list of keys, or {include|exclude}.</summary>
    public static PayloadSelector WithPayload(JsonElement body, bool defaultValue) =>
        JsonFields.Optional(body, "with_payload") is { } json ? PayloadSelector.Parse(json, "with_payload")
        : defaultValue ? PayloadSelector.All : PayloadSelector.None;

    /// <summary><c>with_vector</c> (or <c>with_vectors</c>): a bool (named vector lists are not supported).</summary>
    public static bool WithVector(JsonElement body, bool defaultValue)
    {
        foreach (string name in (ReadOnlySpan<string>)["with_vector", "with_vectors"])
        {
            if (JsonFields.Optional(body, name) is { } json)
            {
                return json.ValueKind switch
                {
                    JsonValueKind.True => true,
                    JsonValueKind.False => false,
                    _ => throw ApiException.BadField(name, $"expected true or false, not {JsonFields.Text(json)}"),
                };
            }
        }
        return defaultValue;
    }
}
