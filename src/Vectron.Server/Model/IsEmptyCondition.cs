using System.Text.Json;

namespace Vectron.Server.Model;

/// <summary><c>{"is_empty": {"key": k}}</c>: the key is missing, null or an empty array (every value found is).</summary>
internal sealed class IsEmptyCondition(JsonPath key) : Condition
{
    public JsonPath Key { get; } = key;

    public override bool Matches(PointId id, JsonElement payload)
    {
        PathValues values = Key.Values(payload);
        for (int i = 0; i < values.Count; i++)
        {
            JsonElement value = values[i];
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
