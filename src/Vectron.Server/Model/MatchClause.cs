using System.Text.Json;

namespace Vectron.Server.Model;

/// <summary>A parsed <c>match</c> object. <c>any</c> and <c>except</c> hold either strings or integers, never both.</summary>
internal sealed class MatchClause : IValueTest
{
    public required MatchKind Kind { get; init; }

    public string? Keyword { get; init; }

    public long Integer { get; init; }

    public bool Bool { get; init; }

    /// <summary>For any / except: the strings (when the list is of strings).</summary>
    public IReadOnlyList<string>? Strings { get; init; }

    /// <summary>For any / except: the integers (when the list is of integers).</summary>
    public IReadOnlyList<long>? Integers { get; init; }

    private HashSet<string>? StringSet => field ??= Strings is null ? null : new HashSet<string>(Strings, StringComparer.Ordinal);

    private HashSet<long>? IntegerSet => field ??= Integers is null ? null : [.. Integers];

    /// <summary>Whether one (non-array) value satisfies the clause.</summary>
    public bool MatchesValue(JsonElement value)
    {
        switch (Kind)
        {
            case MatchKind.Keyword:
                return value.ValueKind == JsonValueKind.String && value.ValueEquals(Keyword);
            case MatchKind.Integer:
                return value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out long number) && number == Integer;
            case MatchKind.Bool:
                return (value.ValueKind == JsonValueKind.True && Bool) || (value.ValueKind == JsonValueKind.False && !Bool);
            case MatchKind.Any:
                if (StringSet is { } strings)
                {
                    return value.ValueKind == JsonValueKind.String && strings.Contains(value.GetString()!);
                }

                return value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out long any) && IntegerSet!.Contains(any);
            case MatchKind.Except:
                // Qdrant: a null is never "outside the list"; a value of another type is.
                if (value.ValueKind == JsonValueKind.Null)
                {
                    return false;
                }

                if (StringSet is { } excluded)
                {
                    return value.ValueKind != JsonValueKind.String || !excluded.Contains(value.GetString()!);
                }

                return value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out long except) || !IntegerSet!.Contains(except);
            default:
                return value.ValueKind == JsonValueKind.String && value.GetString()!.Contains(Keyword!, StringComparison.Ordinal);
        }
    }

    public void WriteTo(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        switch (Kind)
        {
            case MatchKind.Keyword:
                writer.WriteString("value", Keyword);
                break;
            case MatchKind.Integer:
                writer.WriteNumber("value", Integer);
                break;
            case MatchKind.Bool:
                writer.WriteBoolean("value", Bool);
                break;
            case MatchKind.Any:
            case MatchKind.Except:
                writer.WriteStartArray(Kind == MatchKind.Any ? "any" : "except");
                if (Strings is not null)
                {
                    foreach (string s in Strings)
                    {
                        writer.WriteStringValue(s);
                    }
                }
                else
                {
                    foreach (long n in Integers!)
                    {
                        writer.WriteNumberValue(n);
                    }
                }

                writer.WriteEndArray();
                break;
            default:
                writer.WriteString("text", Keyword);
                break;
        }

        writer.WriteEndObject();
    }
}
