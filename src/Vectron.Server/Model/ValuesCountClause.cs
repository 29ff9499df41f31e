using System.Text.Json;

namespace Vectron.Server.Model;

/// <summary>
/// A parsed <c>values_count</c>: bounds on how many values the key holds. As in Qdrant each value
/// found at the key is counted by itself (an array counts its elements, null counts none, anything
/// else one) and the clause holds when one of those counts is in range; a key with no value counts
/// zero (Qdrant's documented meaning of a missing key).
/// </summary>
internal sealed class ValuesCountClause
{
    public long? Gt { get; init; }

    public long? Gte { get; init; }

    public long? Lt { get; init; }

    public long? Lte { get; init; }

    public bool Matches(PathValues values)
    {
        if (values.Count == 0)
        {
            return InRange(0);
        }

        for (int i = 0; i < values.Count; i++)
        {
            JsonElement value = values[i];
            long count = value.ValueKind switch
            {
                JsonValueKind.Array => value.GetArrayLength(),
                JsonValueKind.Null => 0,
                _ => 1,
            };
            if (InRange(count))
            {
                return true;
            }
        }

        return false;
    }

    public void WriteTo(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        Write(writer, "gt", Gt);
        Write(writer, "gte", Gte);
        Write(writer, "lt", Lt);
        Write(writer, "lte", Lte);
        writer.WriteEndObject();
    }

    private bool InRange(long count) =>
        (Gt is not { } gt || count > gt) && (Gte is not { } gte || count >= gte) && (Lt is not { } lt || count < lt) && (Lte is not { } lte || count <= lte);

    private static void Write(Utf8JsonWriter writer, string name, long? bound)
    {
        if (bound is { } value)
        {
            writer.WriteNumber(name, value);
        }
    }
}
