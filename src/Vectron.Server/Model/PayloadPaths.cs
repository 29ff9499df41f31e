using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Vectron.Server.Model;

/// <summary>Edits of payload objects by <see cref="JsonPath"/> (Qdrant's set-payload-at-key and delete-keys semantics).</summary>
internal static class PayloadPaths
{
    /// <summary>Deepest JSON nesting a stored payload or an encoded filter may have (canonical filters nest deeper than their source).</summary>
    public const int MaxDepth = 256;

    /// <summary>A mutable copy of <paramref name="payload"/> (an empty object when it is not an object).</summary>
    public static JsonObject ToNode(JsonElement payload) =>
        payload.ValueKind == JsonValueKind.Object ? JsonObject.Create(payload)!.DeepClone().AsObject() : [];

    /// <summary>An immutable element with the node's content, independent of the node.</summary>
    /// <exception cref="JsonException">The content nests deeper than <see cref="MaxDepth"/>.</exception>
    public static JsonElement ToElement(JsonNode node)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { MaxDepth = MaxDepth }))
        {
            node.WriteTo(writer);
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory, new JsonDocumentOptions { MaxDepth = MaxDepth });
        return document.RootElement.Clone();
    }

    /// <summary>Removes what <paramref name="path"/> names (each element for <c>[]</c>); missing parts are ignored.</summary>
    public static void Remove(JsonNode? node, JsonPath path) => Remove(node, path.Segments);

    /// <summary>
    /// Merges the members of <paramref name="values"/> into the object at <paramref name="path"/>,
    /// creating objects along the way and replacing anything that is not an object (Qdrant's
    /// <c>set_payload</c> with <c>key</c>). Only name steps are allowed in the path.
    /// </summary>
    public static void MergeAt(JsonObject root, JsonPath path, JsonObject values)
    {
        JsonObject target = root;
        foreach (JsonPath.Segment segment in path.Segments)
        {
            if (target[segment.Key!] is not JsonObject next)
            {
                next = [];
                target[segment.Key!] = next;
            }

            target = next;
        }

        Merge(target, values);
    }

    /// <summary>Copies every member of <paramref name="values"/> into <paramref name="target"/>, replacing same-named ones.</summary>
    public static void Merge(JsonObject target, JsonObject values)
    {
        foreach (KeyValuePair<string, JsonNode?> member in values)
        {
            target[member.Key] = member.Value?.DeepClone();
        }
    }

    private static void Remove(JsonNode? node, ReadOnlySpan<JsonPath.Segment> segments)
    {
        if (node is null || segments.IsEmpty)
        {
            return;
        }

        JsonPath.Segment head = segments[0];
        bool last = segments.Length == 1;
        switch (head.Kind)
        {
            case JsonPath.SegmentKind.Name when node is JsonObject obj:
                if (last)
                {
                    obj.Remove(head.Key!);
                }
                else if (obj.TryGetPropertyValue(head.Key!, out JsonNode? child))
                {
                    Remove(child, segments[1..]);
                }

                break;
            case JsonPath.SegmentKind.Index when node is JsonArray array:
                if (head.Index < array.Count)
                {
                    if (last)
                    {
                        array.RemoveAt(head.Index);
                    }
                    else
                    {
                        Remove(array[head.Index], segments[1..]);
                    }
                }

                break;
            case JsonPath.SegmentKind.Wildcard when node is JsonArray array:
                if (last)
                {
                    array.Clear();
                }
                else
                {
                    foreach (JsonNode? element in array)
                    {
                        Remove(element, segments[1..]);
                    }
                }

                break;
            default:
                break;
        }
    }
}
