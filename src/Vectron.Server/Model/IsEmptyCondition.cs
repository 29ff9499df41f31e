using System.Text.Json;

namespace Vectron.Server.Model;

/// <summary><c>{"is_empty": {"key": k}}</c>: the key is missing, null or an empty array (every value found is).</summary>
internal sealed class IsEmptyCondition(JsonPath key) : Condition
{
    public JsonPath Key { get; } = key;

    public override bool Matches(PointId id, JsonElement payload)
    {
        var values = new List<JsonElement>();
        Key.Resolve(payload, values);
        foreach (JsonElement value in values)
        {
            bool empty = value.ValueKind == JsonValueKind.Null || (value.ValueKind == JsonValueKind.Array && value.GetArrayLength() == 0);
            if (!empty)
            {
                return false;
            }
        }

        return true;
    }

    public override void WriteTo(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteStartObject("is_empty");
        writer.WriteString("key", Key.ToString());
        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}
