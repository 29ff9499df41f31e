using System.Text.Json;

namespace Vectron.Server.Model;

/// <summary>
/// <c>{"key": k, "match"|"range"|"values_count": ...}</c>. When several clauses are given all must hold.
/// A value that is an array satisfies <c>match</c> and <c>range</c> when any element does; a missing
/// key satisfies neither.
/// </summary>
internal sealed class FieldCondition : Condition
{
    public required JsonPath Key { get; init; }

    public MatchClause? Match { get; init; }

    public RangeClause? Range { get; init; }

    public ValuesCountClause? ValuesCount { get; init; }

    public override bool Matches(PointId id, JsonElement payload)
    {
        PathValues values = Key.Values(payload);
        if (ValuesCount is not null && !ValuesCount.Matches(values))
        {
            return false;
        }

        if (Match is not null && !AnyValue(values, Match))
        {
            return false;
        }

        return Range is null || AnyValue(values, Range);
    }

    public override void WriteTo(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("key", Key.ToString());
        if (Match is not null)
        {
            writer.WritePropertyName("match");
            Match.WriteTo(writer);
        }

        if (Range is not null)
        {
            writer.WritePropertyName("range");
            Range.WriteTo(writer);
        }

        if (ValuesCount is not null)
        {
            writer.WritePropertyName("values_count");
            ValuesCount.WriteTo(writer);
        }

        writer.WriteEndObject();
    }

    private static bool AnyValue(PathValues values, IValueTest test)
    {
        for (int i = 0; i < values.Count; i++)
        {
            JsonElement value = values[i];
            if (value.ValueKind == JsonValueKind.Array)
            {
                foreach (JsonElement element in value.EnumerateArray())
                {
                    if (test.MatchesValue(element))
                    {
                        return true;
                    }
                }
            }
            else if (test.MatchesValue(value))
            {
                return true;
            }
        }

        return false;
    }
}
