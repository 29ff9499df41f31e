using System.Text.Json;

namespace Vectron.Server.Model;

/// <summary>Reads Qdrant's filter JSON into a <see cref="Filter"/>; every error names the field's path.</summary>
internal static class FilterParser
{
    private const string ConditionKinds = "expected a field condition (\"key\"), \"is_empty\", \"is_null\", \"has_id\", \"nested\" or a filter (\"must\", \"should\", \"must_not\", \"min_should\")";

    public static Filter ParseFilter(JsonElement json, string path)
    {
        RequireObject(json, path);
        IReadOnlyList<Condition> must = [];
        IReadOnlyList<Condition> should = [];
        IReadOnlyList<Condition> mustNot = [];
        IReadOnlyList<Condition>? minShould = null;
        int minCount = 0;
        foreach (JsonProperty property in json.EnumerateObject())
        {
            string at = path + "." + property.Name;
            switch (property.Name)
            {
                case "must":
                    must = ParseClause(property.Value, at);
                    break;
                case "should":
                    should = ParseClause(property.Value, at);
                    break;
                case "must_not":
                    mustNot = ParseClause(property.Value, at);
                    break;
                case "min_should":
                    if (property.Value.ValueKind != JsonValueKind.Null)
                    {
                        (minShould, minCount) = ParseMinShould(property.Value, at);
                    }

                    break;
                default:
                    throw RequestException.At(at, "unknown field; a filter has must, should, must_not and min_should");
            }
        }

        return new Filter(must, should, mustNot, minShould, minCount);
    }

    public static Condition ParseCondition(JsonElement json, string path)
    {
        RequireObject(json, path);
        if (json.TryGetProperty("key", out _))
        {
            return ParseFieldCondition(json, path);
        }

        string? first = null;
        int count = 0;
        foreach (JsonProperty property in json.EnumerateObject())
        {
            first ??= property.Name;
            count++;
        }

        if (count == 0)
        {
            return new FilterCondition(Filter.Empty);
        }

        switch (first)
        {
            case "must" or "should" or "must_not" or "min_should":
                return new FilterCondition(ParseFilter(json, path));
            case "is_empty":
                RequireSingle(json, path, "is_empty", count);
                return new IsEmptyCondition(ParseKeyObject(json.GetProperty("is_empty"), path + ".is_empty"));
            case "is_null":
                RequireSingle(json, path, "is_null", count);
                return new IsNullCondition(ParseKeyObject(json.GetProperty("is_null"), path + ".is_null"));
            case "has_id":
                RequireSingle(json, path, "has_id", count);
                return new HasIdCondition(ParseIds(json.GetProperty("has_id"), path + ".has_id"));
            case "nested":
                RequireSingle(json, path, "nested", count);
                return ParseNested(json.GetProperty("nested"), path + ".nested");
            case "has_vector":
                throw RequestException.At(path + ".has_vector", "not supported: collections have one unnamed vector");
            default:
                throw RequestException.At(path + "." + first, "unknown condition; " + ConditionKinds);
        }
    }

    /// <summary>Reads a list of point ids.</summary>
    public static List<PointId> ParseIds(JsonElement json, string path)
    {
        if (json.ValueKind != JsonValueKind.Array)
        {
            throw RequestException.At(path, "expected an array of point ids, got " + JsonKinds.Describe(json.ValueKind));
        }

        var ids = new List<PointId>(json.GetArrayLength());
        int i = 0;
        foreach (JsonElement element in json.EnumerateArray())
        {
            ids.Add(PointId.Parse(element, $"{path}[{i}]"));
            i++;
        }

        return ids;
    }

    private static List<Condition> ParseClause(JsonElement json, string path)
    {
        switch (json.ValueKind)
        {
            case JsonValueKind.Null:
                return [];
            case JsonValueKind.Object:
                return [ParseCondition(json, path)];
            case JsonValueKind.Array:
                var conditions = new List<Condition>(json.GetArrayLength());
                int i = 0;
                foreach (JsonElement element in json.EnumerateArray())
                {
                    conditions.Add(ParseCondition(element, $"{path}[{i}]"));
                    i++;
                }

                return conditions;
            default:
                throw RequestException.At(path, "expected a condition or an array of conditions, got " + JsonKinds.Describe(json.ValueKind));
        }
    }

    private static (List<Condition> Conditions, int MinCount) ParseMinShould(JsonElement json, string path)
    {
        RequireObject(json, path);
        List<Condition>? conditions = null;
        int? minCount = null;
        foreach (JsonProperty property in json.EnumerateObject())
        {
            string at = path + "." + property.Name;
            switch (property.Name)
            {
                case "conditions":
                    if (property.Value.ValueKind != JsonValueKind.Array)
                    {
                        throw RequestException.At(at, "expected an array of conditions, got " + JsonKinds.Describe(property.Value.ValueKind));
                    }

                    conditions = ParseClause(property.Value, at);
                    break;
                case "min_count":
                    if (property.Value.ValueKind != JsonValueKind.Number || !property.Value.TryGetInt32(out int value) || value < 0)
                    {
                        throw RequestException.At(at, "expected a non-negative integer");
                    }

                    minCount = value;
                    break;
                default:
                    throw RequestException.At(at, "unknown field; min_should has conditions and min_count");
            }
        }

        if (conditions is null)
        {
            throw RequestException.At(path + ".conditions", "missing");
        }

        return minCount is { } count ? (conditions, count) : throw RequestException.At(path + ".min_count", "missing");
    }

    private static FieldCondition ParseFieldCondition(JsonElement json, string path)
    {
        JsonPath? key = null;
        MatchClause? match = null;
        RangeClause? range = null;
        ValuesCountClause? valuesCount = null;
        foreach (JsonProperty property in json.EnumerateObject())
        {
            string at = path + "." + property.Name;
            switch (property.Name)
            {
                case "key":
                    key = ParseKey(property.Value, at);
                    break;
                case "match":
                    match = property.Value.ValueKind == JsonValueKind.Null ? null : ParseMatch(property.Value, at);
                    break;
                case "range":
                    range = property.Value.ValueKind == JsonValueKind.Null ? null : ParseRange(property.Value, at);
                    break;
                case "values_count":
                    valuesCount = property.Value.ValueKind == JsonValueKind.Null ? null : ParseValuesCount(property.Value, at);
                    break;
                case "geo_bounding_box" or "geo_radius" or "geo_polygon":
                    if (property.Value.ValueKind != JsonValueKind.Null)
                    {
                        throw RequestException.At(at, "geo conditions are not supported");
                    }

                    break;
                default:
                    throw RequestException.At(at, "unknown field; a field condition has key and one of match, range, values_count");
            }
        }

        if (match is null && range is null && valuesCount is null)
        {
            throw RequestException.At(path, "a field condition needs match, range or values_count");
        }

        return new FieldCondition { Key = key!, Match = match, Range = range, ValuesCount = valuesCount };
    }

    private static MatchClause ParseMatch(JsonElement json, string path)
    {
        RequireObject(json, path);
        MatchClause? result = null;
        foreach (JsonProperty property in json.EnumerateObject())
        {
            string at = path + "." + property.Name;
            if (result is not null)
            {
                throw RequestException.At(at, "a match has exactly one of value, any, except, text");
            }

            JsonElement value = property.Value;
            result = property.Name switch
            {
                "value" => value.ValueKind switch
                {
                    JsonValueKind.String => new MatchClause { Kind = MatchKind.Keyword, Keyword = value.GetString() },
                    JsonValueKind.True or JsonValueKind.False => new MatchClause { Kind = MatchKind.Bool, Bool = value.GetBoolean() },
                    JsonValueKind.Number when value.TryGetInt64(out long n) => new MatchClause { Kind = MatchKind.Integer, Integer = n },
                    _ => throw RequestException.At(at, "expected a string, an integer or a boolean, got " + Describe(value)),
                },
                "any" => ParseList(value, at, MatchKind.Any),
                "except" => ParseList(value, at, MatchKind.Except),
                "text" => value.ValueKind == JsonValueKind.String
                    ? new MatchClause { Kind = MatchKind.Text, Keyword = value.GetString() }
                    : throw RequestException.At(at, "expected a string, got " + Describe(value)),
                "phrase" or "text_any" => throw RequestException.At(at, "not supported (no full-text index); use text"),
                _ => throw RequestException.At(at, "unknown field; a match has value, any, except or text"),
            };
        }

        return result ?? throw RequestException.At(path, "a match needs one of value, any, except, text");
    }

    private static MatchClause ParseList(JsonElement json, string path, MatchKind kind)
    {
        if (json.ValueKind != JsonValueKind.Array)
        {
            throw RequestException.At(path, "expected an array of strings or of integers, got " + Describe(json));
        }

        var strings = new List<string>();
        var integers = new List<long>();
        int i = 0;
        JsonValueKind? first = null;
        foreach (JsonElement element in json.EnumerateArray())
        {
            string at = $"{path}[{i}]";
            if (element.ValueKind == JsonValueKind.String && first is null or JsonValueKind.String)
            {
                strings.Add(element.GetString()!);
            }
            else if (element.ValueKind == JsonValueKind.Number && first is null or JsonValueKind.Number && element.TryGetInt64(out long n))
            {
                integers.Add(n);
            }
            else
            {
                string expected = first switch
                {
                    JsonValueKind.String => "a string like the elements before it",
                    JsonValueKind.Number => "an integer like the elements before it",
                    _ => "a string or an integer",
                };
                throw RequestException.At(at, $"expected {expected}, got {Describe(element)}");
            }

            first ??= element.ValueKind;
            i++;
        }

        return first == JsonValueKind.Number
            ? new MatchClause { Kind = kind, Integers = integers }
            : new MatchClause { Kind = kind, Strings = strings };
    }

    private static RangeClause ParseRange(JsonElement json, string path)
    {
        RequireObject(json, path);
        var bounds = new double?[4];
        bool? datetime = null;
        foreach (JsonProperty property in json.EnumerateObject())
        {
            string at = path + "." + property.Name;
            int slot = property.Name switch
            {
                "gt" => 0,
                "gte" => 1,
                "lt" => 2,
                "lte" => 3,
                _ => throw RequestException.At(at, "unknown field; a range has gt, gte, lt and lte"),
            };
            JsonElement value = property.Value;
            switch (value.ValueKind)
            {
                case JsonValueKind.Null:
                    continue;
                case JsonValueKind.Number when datetime != true:
                    double number = value.GetDouble();
                    if (!double.IsFinite(number))
                    {
                        throw RequestException.At(at, "expected a finite number");
                    }

                    bounds[slot] = number;
                    datetime = false;
                    break;
                case JsonValueKind.String when datetime != false:
                    if (!RangeClause.TryParseDatetime(value.GetString(), out DateTimeOffset at2))
                    {
                        throw RequestException.At(at, $"expected a number or an RFC 3339 datetime, got \"{value.GetString()}\"");
                    }

                    bounds[slot] = at2.UtcTicks;
                    datetime = true;
                    break;
                default:
                    string expected = datetime switch
                    {
                        true => "an RFC 3339 datetime like the other bounds",
                        false => "a number",
                        _ => "a number or an RFC 3339 datetime",
                    };
                    throw RequestException.At(at, $"expected {expected}, got {Describe(value)}");
            }
        }

        return new RangeClause { IsDatetime = datetime == true, Gt = bounds[0], Gte = bounds[1], Lt = bounds[2], Lte = bounds[3] };
    }

    private static ValuesCountClause ParseValuesCount(JsonElement json, string path)
    {
        RequireObject(json, path);
        var bounds = new long?[4];
        foreach (JsonProperty property in json.EnumerateObject())
        {
            string at = path + "." + property.Name;
            int slot = property.Name switch
            {
                "gt" => 0,
                "gte" => 1,
                "lt" => 2,
                "lte" => 3,
                _ => throw RequestException.At(at, "unknown field; values_count has gt, gte, lt and lte"),
            };
            if (property.Value.ValueKind == JsonValueKind.Null)
            {
                continue;
            }

            if (property.Value.ValueKind != JsonValueKind.Number || !property.Value.TryGetInt64(out long n) || n < 0)
            {
                throw RequestException.At(at, "expected a non-negative integer, got " + Describe(property.Value));
            }

            bounds[slot] = n;
        }

        return new ValuesCountClause { Gt = bounds[0], Gte = bounds[1], Lt = bounds[2], Lte = bounds[3] };
    }

    private static NestedCondition ParseNested(JsonElement json, string path)
    {
        RequireObject(json, path);
        JsonPath? key = null;
        Filter? filter = null;
        foreach (JsonProperty property in json.EnumerateObject())
        {
            string at = path + "." + property.Name;
            switch (property.Name)
            {
                case "key":
                    key = ParseKey(property.Value, at);
                    break;
                case "filter":
                    filter = ParseFilter(property.Value, at);
                    break;
                default:
                    throw RequestException.At(at, "unknown field; nested has key and filter");
            }
        }

        return new NestedCondition(
            key ?? throw RequestException.At(path + ".key", "missing"),
            filter ?? throw RequestException.At(path + ".filter", "missing"));
    }

    private static JsonPath ParseKeyObject(JsonElement json, string path)
    {
        RequireObject(json, path);
        JsonPath? key = null;
        foreach (JsonProperty property in json.EnumerateObject())
        {
            if (property.Name != "key")
            {
                throw RequestException.At(path + "." + property.Name, "unknown field; expected only key");
            }

            key = ParseKey(property.Value, path + ".key");
        }

        return key ?? throw RequestException.At(path + ".key", "missing");
    }

    private static JsonPath ParseKey(JsonElement json, string path)
    {
        if (json.ValueKind != JsonValueKind.String)
        {
            throw RequestException.At(path, "expected a string, got " + Describe(json));
        }

        return JsonPath.Parse(json.GetString()!, path);
    }

    private static void RequireSingle(JsonElement json, string path, string name, int count)
    {
        if (count != 1)
        {
            foreach (JsonProperty property in json.EnumerateObject())
            {
                if (property.Name != name)
                {
                    throw RequestException.At(path + "." + property.Name, $"unexpected beside {name}");
                }
            }
        }
    }

    private static void RequireObject(JsonElement json, string path)
    {
        if (json.ValueKind != JsonValueKind.Object)
        {
            throw RequestException.At(path, "expected an object, got " + Describe(json));
        }
    }

    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False or JsonValueKind.Null => value.GetRawText(),
        JsonValueKind.String => "the string \"" + value.GetString() + "\"",
        _ => JsonKinds.Describe(value.ValueKind),
    };
}
