using System.Text.Json;

namespace Vectron.Server.Model;

/// <summary><c>{"is_null": {"key": k}}</c>: the key exists and a value found there is null (a missing key is not null).</summary>
internal sealed class IsNullCondition(JsonPath key) : Condition
{
    public JsonPath Key { get; } = key;

    public override bool Matches(PointId id, JsonElement payload)
    {
        PathValues values = Key.Values(payload);
        for (int i = 0; i < values.Count; i++)
        {
            JsonElement value = values[i];
            if (value.ValueKind == JsonValueKind.Null)
            {
                return true;
            }
        }

        return false;
    }

    public override void WriteTo(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteStartObject("is_null");
        writer.WriteString("key", Key.ToString());
        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}
