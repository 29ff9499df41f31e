using System.Text.Json;
using Vectron.Server.Model;

namespace Vectron.Server.Worker;

/// <summary>
/// Exact-value index for keyword, uuid and bool fields: value → slots. Keyword answers match value /
/// any; uuid answers match value / any with UUID strings (compared canonically); bool answers match value.
/// </summary>
internal sealed class KeywordPayloadIndex(JsonPath field, PayloadSchemaType schema) : PayloadIndex(field, schema)
{
    // A slot with the same value twice (an array ["a", "a"]) is counted per occurrence so removal is exact.
    private readonly Dictionary<string, Dictionary<int, int>> _postings = new(StringComparer.Ordinal);

    public override HashSet<int>? Candidates(FieldCondition condition, int cap)
    {
        if (condition.Match is not { } match || condition.Range is not null)
        {
            return null;
        }

        IEnumerable<string>? keys = (Schema, match.Kind) switch
        {
            (PayloadSchemaType.Keyword, MatchKind.Keyword) => [match.Keyword!],
            (PayloadSchemaType.Keyword, MatchKind.Any) when match.Strings is not null => match.Strings,
            (PayloadSchemaType.Uuid, MatchKind.Keyword) => CanonicalUuids([match.Keyword!]),
            (PayloadSchemaType.Uuid, MatchKind.Any) when match.Strings is not null => CanonicalUuids(match.Strings),
            (PayloadSchemaType.Bool, MatchKind.Bool) => [match.Bool ? "true" : "false"],
            _ => null,
        };
        if (keys is null)
        {
            return null;
        }

        var result = new HashSet<int>();
        foreach (string key in keys)
        {
            if (_postings.TryGetValue(key, out Dictionary<int, int>? slots))
            {
                foreach (int slot in slots.Keys)
                {
                    result.Add(slot);
                }

                if (result.Count > cap)
                {
                    return null;
                }
            }
        }

        return result;
    }

    protected override bool Accepts(JsonElement value) => KeyOf(value) is not null;

    protected override void AddValue(int slot, JsonElement value)
    {
        string key = KeyOf(value)!;

        if (!_postings.TryGetValue(key, out Dictionary<int, int>? slots))
        {
            slots = [];
            _postings[key] = slots;
        }

        slots[slot] = slots.GetValueOrDefault(slot) + 1;
    }

    protected override void RemoveValue(int slot, JsonElement value)
    {
        if (KeyOf(value) is { } key && _postings.TryGetValue(key, out Dictionary<int, int>? slots) && slots.TryGetValue(slot, out int count))
        {
            if (count <= 1)
            {
                slots.Remove(slot);
                if (slots.Count == 0)
                {
                    _postings.Remove(key);
                }
            }
            else
            {
                slots[slot] = count - 1;
            }
        }
    }

    private static List<string>? CanonicalUuids(IEnumerable<string> values)
    {
        var keys = new List<string>();
        foreach (string value in values)
        {
            // A query string that is not a UUID may still equal a stored non-UUID string: no bound then.
            if (!Guid.TryParse(value, out Guid uuid))
            {
                return null;
            }

            keys.Add(uuid.ToString("D"));
        }

        return keys;
    }

    private string? KeyOf(JsonElement value) => Schema switch
    {
        PayloadSchemaType.Keyword => value.ValueKind == JsonValueKind.String ? value.GetString() : null,
        PayloadSchemaType.Uuid => value.ValueKind == JsonValueKind.String && Guid.TryParse(value.GetString(), out Guid uuid) ? uuid.ToString("D") : null,
        _ => value.ValueKind switch
        {
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            _ => null,
        },
    };
}
