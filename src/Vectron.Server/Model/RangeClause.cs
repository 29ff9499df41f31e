using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Vectron.Server.Model;

/// <summary>
/// A parsed <c>range</c>: bounds that are numbers (compared with numeric payload values) or RFC 3339
/// datetimes (compared with string payload values that are datetimes), never a mix.
/// </summary>
internal sealed partial class RangeClause : IValueTest
{
    /// <summary>Whether the bounds are datetimes; they are then stored as UTC ticks.</summary>
    public required bool IsDatetime { get; init; }

    public double? Gt { get; init; }

    public double? Gte { get; init; }

    public double? Lt { get; init; }

    public double? Lte { get; init; }

    /// <summary>Reads a datetime the way Qdrant accepts one: RFC 3339, a space for the T, or a date alone; no offset means UTC.</summary>
    public static bool TryParseDatetime(string? text, out DateTimeOffset value)
    {
        value = default;
        return text is not null
            && DatetimePattern().IsMatch(text)
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out value);
    }

    /// <summary>Whether one (non-array) value lies in the range.</summary>
    public bool MatchesValue(JsonElement value)
    {
        double x;
        if (IsDatetime)
        {
            if (value.ValueKind != JsonValueKind.String || !TryParseDatetime(value.GetString(), out DateTimeOffset at))
            {
                return false;
            }

            x = at.UtcTicks;
        }
        else
        {
            if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out x))
            {
                return false;
            }
        }

        return Contains(x);
    }

    /// <summary>Whether <paramref name="x"/> (a number, or UTC ticks for datetimes) lies in the range.</summary>
    public bool Contains(double x) =>
        (Gt is not { } gt || x > gt) && (Gte is not { } gte || x >= gte) && (Lt is not { } lt || x < lt) && (Lte is not { } lte || x <= lte);

    public void WriteTo(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        Write(writer, "gt", Gt);
        Write(writer, "gte", Gte);
        Write(writer, "lt", Lt);
        Write(writer, "lte", Lte);
        writer.WriteEndObject();
    }

    private void Write(Utf8JsonWriter writer, string name, double? bound)
    {
        if (bound is not { } value)
        {
            return;
        }

        if (IsDatetime)
        {
            writer.WriteString(name, new DateTimeOffset((long)value, TimeSpan.Zero).ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture));
        }
        else
        {
            writer.WriteNumber(name, value);
        }
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}([Tt ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?)?([Zz]|[+-]\d{2}(:?\d{2})?)?$", RegexOptions.CultureInvariant)]
    private static partial Regex DatetimePattern();
}
