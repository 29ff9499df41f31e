using System.Text.Json;

namespace Vectron.Server.Model;

/// <summary>
/// <c>{"nested": {"key": k, "filter": f}}</c>: some element of the array at <c>k</c> satisfies the
/// whole of <c>f</c> by itself (Qdrant's nested object filter).
/// </summary>
internal sealed class NestedCondition(JsonPath key, Filter filter) : Condition
{
    public JsonPath Key { get; } = key;

    public Filter Filter { get; } = filter;

    public override bool Matches(PointId id, JsonElement payload)
    {
        PathValues values = Key.Values(payload);
        for (int i = 0; i < values.Count; i++)
        {
            JsonElement value = values[i];
            if (value.ValueKind == JsonValueKind.Array)
            {
                foreach (JsonElement element in value.EnumerateArray())
                {
                    if (element.ValueKind == JsonValueKind.Object && Filter.Matches(id, element))
                    {
                        return true;
                    }
                }
            }
            else if (value.ValueKind == JsonValueKind.Object && Filter.Matches(id, value))
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
