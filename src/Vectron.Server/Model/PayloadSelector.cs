using System.Text.Json;
using System.Text.Json.Nodes;

namespace Vectron.Server.Model;

/// <summary>
/// Which part of a payload a read returns (Qdrant's <c>with_payload</c>): none, all, only the listed
/// keys, or all but the listed keys. Keys are dotted paths into objects.
/// </summary>
public sealed class PayloadSelector
{
    private PayloadSelector(bool enabled, IReadOnlyList<JsonPath>? include, IReadOnlyList<JsonPath>? exclude)
    {
        Enabled = enabled;
        Include = include;
        Exclude = exclude;
    }

    /// <summary>Return no payload.</summary>
    public static PayloadSelector None { get; } = new(false, null, null);

    /// <summary>Return the whole payload.</summary>
    public static PayloadSelector All { get; } = new(true, null, null);

    /// <summary>Whether any payload is returned.</summary>
    public bool Enabled { get; }

    /// <summary>Only these keys, when set.</summary>
    public IReadOnlyList<JsonPath>? Include { get; }

    /// <summary>Everything but these keys, when set.</summary>
    public IReadOnlyList<JsonPath>? Exclude { get; }

    /// <summary>Only the given keys.</summary>
    public static PayloadSelector Including(IReadOnlyList<JsonPath> keys) => new(true, keys, null);

    /// <summary>Everything but the given keys.</summary>
    public static PayloadSelector Excluding(IReadOnlyList<JsonPath> keys) => new(true, null, keys);

    /// <summary>
    /// Reads <c>with_payload</c>: <c>true</c>, <c>false</c>, an array of keys, <c>{"include": [...]}</c>
    /// or <c>{"exclude": [...]}</c>; throws a <see cref="RequestException"/> naming the bad field.
    /// </summary>
    public static PayloadSelector Parse(JsonElement json, string path = "with_payload")
    {
        JsonStrings.Check(json, path);
        switch (json.ValueKind)
        {
            case JsonValueKind.True:
                return All;
            case JsonValueKind.False:
            case JsonValueKind.Null:
                return None;
            case JsonValueKind.Array:
                return Including(ParseKeys(json, path));
            case JsonValueKind.Object:
                PayloadSelector? result = null;
                foreach (JsonProperty property in json.EnumerateObject())
                {
                    string at = path + "." + property.Name;
                    if (result is not null)
                    {
                        throw RequestException.At(at, "with_payload has either include or exclude");
                    }

                    result = property.Name switch
                    {
                        "include" => Including(ParseKeys(property.Value, at)),
                        "exclude" => Excluding(ParseKeys(property.Value, at)),
                        _ => throw RequestException.At(at, "unknown field; expected include or exclude"),
                    };
                }

                return result ?? throw RequestException.At(path, "expected include or exclude");
            default:
                throw RequestException.At(path, "expected a boolean, an array of keys, or an object with include or exclude, got " + JsonKinds.Describe(json.ValueKind));
        }
    }

    /// <summary>
    /// The selected part of <paramref name="payload"/> (an object, or undefined for an empty payload), or
    /// <see langword="null"/> when no payload is selected. The result is <paramref name="payload"/> itself when the whole payload is selected, so it lives as long as that element's document.
    /// </summary>
    public JsonElement? Select(JsonElement payload)
    {
        if (!Enabled)
        {
            return null;
        }

        if (payload.ValueKind != JsonValueKind.Object)
        {
            return EmptyObject();
        }

        if (Include is null && Exclude is null)
        {
            // Stored payloads are standalone, immutable elements: sharing one is safe.
            return payload;
        }

        // Not JsonNode.Parse: its default depth limit (64) is below what a shard stores (PayloadPaths.MaxDepth).
        JsonObject source = PayloadPaths.ToNode(payload);
        if (Include is not null)
        {
            var keys = new List<JsonPath.Segment[]>(Include.Count);
            foreach (JsonPath key in Include)
            {
                keys.Add(key.Segments.ToArray());
            }

            return PayloadPaths.ToElement(Project(source, keys, 0));
        }

        foreach (JsonPath key in Exclude!)
        {
            PayloadPaths.Remove(source, key);
        }

        return PayloadPaths.ToElement(source);
    }

    internal static JsonElement EmptyObject()
    {
        using var document = JsonDocument.Parse("{}");
        return document.RootElement.Clone();
    }

    /// <summary>
    /// Qdrant's include: a part of the payload is kept when its path and one of the keys are prefixes
    /// of each other. The path of an array element is the array's path plus <c>[]</c> (or its
    /// position, which a <c>[n]</c> step in a key selects). A key that ends at a node keeps all of it;
    /// a scalar on the way to a longer key is kept whole; an object where a key expects an array,
    /// or an array where it expects a name, keeps none of its members.
    /// </summary>
    private static JsonNode Project(JsonNode node, List<JsonPath.Segment[]> keys, int depth)
    {
        foreach (JsonPath.Segment[] key in keys)
        {
            if (key.Length == depth)
            {
                return node.DeepClone();
            }
        }

        switch (node)
        {
            case JsonObject obj:
                var projected = new JsonObject();
                foreach (KeyValuePair<string, JsonNode?> member in obj)
                {
                    List<JsonPath.Segment[]> below = keys.FindAll(key => key[depth].Kind == JsonPath.SegmentKind.Name && key[depth].Key == member.Key);
                    if (below.Count > 0)
                    {
                        projected[member.Key] = member.Value is null ? null : Project(member.Value, below, depth + 1);
                    }
                }

                return projected;
            case JsonArray array:
                var elements = new JsonArray();
                for (int i = 0; i < array.Count; i++)
                {
                    List<JsonPath.Segment[]> below = keys.FindAll(key =>
                        key[depth].Kind == JsonPath.SegmentKind.Wildcard || (key[depth].Kind == JsonPath.SegmentKind.Index && key[depth].Index == i));
                    if (below.Count > 0)
                    {
                        elements.Add(array[i] is { } element ? Project(element, below, depth + 1) : null);
                    }
                }

                return elements;
            default:
                return node.DeepClone();
        }
    }

    private static List<JsonPath> ParseKeys(JsonElement json, string path)
    {
        if (json.ValueKind != JsonValueKind.Array)
        {
            throw RequestException.At(path, "expected an array of keys, got " + JsonKinds.Describe(json.ValueKind));
        }

        var keys = new List<JsonPath>();
        int i = 0;
        foreach (JsonElement element in json.EnumerateArray())
        {
            string at = $"{path}[{i}]";
            if (element.ValueKind != JsonValueKind.String)
            {
                throw RequestException.At(at, "expected a string, got " + JsonKinds.Describe(element.ValueKind));
            }

            keys.Add(JsonPath.Parse(element.GetString()!, at));
            i++;
        }

        return keys;
    }
}
