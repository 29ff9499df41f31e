using System.Text.Json;

namespace Vectron.Server.Model;

/// <summary><c>{"is_null": {"key": k}}</c>: the key exists and a value found there is null (a missing key is not null).</summary>
internal sealed class IsNullCondition(JsonPath key) : Condition
{
    public JsonPath Key { get; } = key;

    public override bool Matches(PointId id, JsonElement payload)
    {
        var values = new List<JsonElement>();
        Key.Resolve(payload, values);
        foreach (JsonElement value in values)
        {
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
