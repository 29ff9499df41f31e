using System.Text.Json;

namespace Vectron.Server.Model;

/// <summary>
/// <c>{"nested": {"key": k, "filter": f}}</c>: some object element of the array at <c>k</c> satisfies
/// the whole of <c>f</c> by itself (Qdrant's nested object filter). As in Qdrant the filter runs on
/// the values at <c>k[]</c> (<c>k</c> itself when it ends in <c>[]</c>), so a plain object or a
/// scalar at <c>k</c> has no elements, and elements that are not objects are skipped.
/// </summary>
internal sealed class NestedCondition(JsonPath key, Filter filter) : Condition
{
    private readonly JsonPath _elements = key.ArrayElements();

    public JsonPath Key { get; } = key;

    public Filter Filter { get; } = filter;

    public override bool Matches(PointId id, JsonElement payload)
    {
        PathValues values = _elements.Values(payload);
        for (int i = 0; i < values.Count; i++)
        {
            JsonElement value = values[i];
            if (value.ValueKind == JsonValueKind.Object && Filter.Matches(id, value))
            {
                return true;
            }
        }

        return false;
    }

    public override void WriteTo(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteStartObject("nested");
        writer.WriteString("key", Key.ToString());
        writer.WritePropertyName("filter");
        Filter.WriteTo(writer);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    public override void Visit(Action<Condition> visit)
    {
        // The nested filter's keys are relative to the array elements, so its conditions are not
        // offered to visitors (the planner must not answer them from top-level payload indexes).
        visit(this);
    }
}
