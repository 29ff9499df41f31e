using System.Text.Json;
using Vectron.Server.Model;

namespace Vectron.Server.Worker;

/// <summary>
/// An index of the values at one payload key, kept up to date on apply. It answers, for the
/// conditions it understands, a superset of the slots that can satisfy the condition (the planner
/// checks every candidate with the full filter), so a search with or without indexes returns the same points.
/// </summary>
internal abstract class PayloadIndex(JsonPath field, PayloadSchemaType schema)
{
    private readonly Dictionary<int, int> _valueCounts = [];

    public JsonPath Field { get; } = field;

    public PayloadSchemaType Schema { get; } = schema;

    /// <summary>Points with at least one value of this schema at the field.</summary>
    public long PointCount => _valueCounts.Count;

    public static PayloadIndex Create(JsonPath field, PayloadSchemaType schema) => schema switch
    {
        PayloadSchemaType.Keyword => new KeywordPayloadIndex(field, schema),
        PayloadSchemaType.Uuid => new KeywordPayloadIndex(field, schema),
        PayloadSchemaType.Bool => new KeywordPayloadIndex(field, schema),
        PayloadSchemaType.Integer => new NumericPayloadIndex(field, schema),
        PayloadSchemaType.Float => new NumericPayloadIndex(field, schema),
        _ => new NumericPayloadIndex(field, schema),
    };

    public void Add(int slot, JsonElement payload) => Update(slot, payload, add: true);

    public void Remove(int slot, JsonElement payload) => Update(slot, payload, add: false);

    /// <summary>
    /// The slots that may satisfy <paramref name="condition"/>, or <see langword="null"/> when this
    /// index cannot bound it or more than <paramref name="cap"/> slots would be returned.
    /// </summary>
    public abstract HashSet<int>? Candidates(FieldCondition condition, int cap);

    protected abstract void AddValue(int slot, JsonElement value);

    protected abstract void RemoveValue(int slot, JsonElement value);

    /// <summary>Whether a (non-array) value belongs in this index.</summary>
    protected abstract bool Accepts(JsonElement value);

    private void Update(int slot, JsonElement payload, bool add)
    {
        PathValues values = Field.Values(payload);
        int indexed = 0;
        for (int i = 0; i < values.Count; i++)
        {
            JsonElement value = values[i];
            if (value.ValueKind == JsonValueKind.Array)
            {
                foreach (JsonElement element in value.EnumerateArray())
                {
                    indexed += Change(slot, element, add);
                }
            }
            else
            {
                indexed += Change(slot, value, add);
            }
        }

        if (indexed == 0)
        {
            return;
        }

        int count = _valueCounts.GetValueOrDefault(slot) + (add ? indexed : -indexed);
        if (count > 0)
        {
            _valueCounts[slot] = count;
        }
        else
        {
            _valueCounts.Remove(slot);
        }
    }

    private int Change(int slot, JsonElement value, bool add)
    {
        if (!Accepts(value))
        {
            return 0;
        }

        if (add)
        {
            AddValue(slot, value);
        }
        else
        {
            RemoveValue(slot, value);
        }

        return 1;
    }
}
