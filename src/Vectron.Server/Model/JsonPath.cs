using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Vectron.Server.Model;

/// <summary>
/// A payload key as Qdrant writes it: names joined by dots, <c>[]</c> for every element of an array,
/// <c>[n]</c> for one element, names with special characters in double quotes
/// (<c>country.cities[].population</c>, <c>"a.b".c</c>).
/// </summary>
/// <remarks>
/// Resolution follows Qdrant: a name steps into an object, <c>[]</c> and <c>[n]</c> into an array,
/// anything else yields nothing (a name never steps into an array implicitly). The values found are
/// not flattened; conditions treat a value that is an array as "any of its elements".
/// </remarks>
public sealed class JsonPath : IEquatable<JsonPath>
{
    private readonly Segment[] _segments;
    private readonly string _text;

    private readonly bool _singleValued;

    private JsonPath(Segment[] segments, string text)
    {
        _segments = segments;
        _text = text;
        _singleValued = !Array.Exists(segments, s => s.Kind == SegmentKind.Wildcard);
    }

    /// <summary>Whether the path has an array step (<c>[]</c> or <c>[n]</c>).</summary>
    public bool HasArrayStep => Array.Exists(_segments, s => s.Kind != SegmentKind.Name);

    internal ReadOnlySpan<Segment> Segments => _segments;

    /// <summary>Parses a key; throws a <see cref="RequestException"/> naming <paramref name="path"/> when it is malformed.</summary>
    public static JsonPath Parse(string key, string path)
    {
        ArgumentNullException.ThrowIfNull(key);
        return TryParse(key, out JsonPath? parsed, out string error) ? parsed : throw RequestException.At(path, error);
    }

    /// <summary>Parses a key; returns false with a reason when it is malformed.</summary>
    public static bool TryParse(string key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out JsonPath? path, out string error)
    {
        ArgumentNullException.ThrowIfNull(key);
        path = null;
        var segments = new List<Segment>();
        int i = 0;
        if (key.Length == 0)
        {
            error = "the key is empty";
            return false;
        }

        while (true)
        {
            // A name (plain or quoted) unless the previous step ended on brackets and a bracket follows.
            if (i < key.Length && key[i] == '"')
            {
                int close = key.IndexOf('"', i + 1);
                if (close < 0)
                {
                    error = $"unterminated quote in key \"{key}\"";
                    return false;
                }

                segments.Add(Segment.Name(key[(i + 1)..close]));
                i = close + 1;
            }
            else
            {
                int start = i;
                while (i < key.Length && key[i] != '.' && key[i] != '[' && key[i] != ']' && key[i] != '"')
                {
                    i++;
                }

                if (i == start)
                {
                    error = $"empty name at position {start} in key \"{key}\"";
                    return false;
                }

                segments.Add(Segment.Name(key[start..i]));
            }

            while (i < key.Length && key[i] == '[')
            {
                int close = key.IndexOf(']', i);
                if (close < 0)
                {
                    error = $"unterminated '[' in key \"{key}\"";
                    return false;
                }

                string inside = key[(i + 1)..close];
                if (inside.Length == 0)
                {
                    segments.Add(Segment.Wildcard);
                }
                else if (inside.All(char.IsAsciiDigit) && int.TryParse(inside, NumberStyles.None, CultureInfo.InvariantCulture, out int index))
                {
                    segments.Add(Segment.At(index));
                }
                else
                {
                    error = $"expected [] or [number] in key \"{key}\", got [{inside}]";
                    return false;
                }

                i = close + 1;
            }

            if (i == key.Length)
            {
                break;
            }

            if (key[i] != '.')
            {
                error = $"unexpected '{key[i]}' at position {i} in key \"{key}\"";
                return false;
            }

            i++;
            if (i == key.Length)
            {
                error = $"key \"{key}\" ends with a dot";
                return false;
            }
        }

        path = new JsonPath([.. segments], Format(segments));
        error = string.Empty;
        return true;
    }

    /// <summary>This path with <c>[]</c> appended unless it already ends in <c>[]</c> (Qdrant's <c>array_key</c>: the elements of the array at the key).</summary>
    internal JsonPath ArrayElements()
    {
        if (_segments[^1].Kind == SegmentKind.Wildcard)
        {
            return this;
        }

        Segment[] segments = [.. _segments, Segment.Wildcard];
        return new JsonPath(segments, _text + "[]");
    }

    /// <summary>Adds every value at this path in <paramref name="root"/> to <paramref name="values"/>.</summary>
    public void Resolve(JsonElement root, List<JsonElement> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        Resolve(_segments, root, values);
    }

    /// <summary>The values at this path in <paramref name="root"/>; without a <c>[]</c> step there is at most one, found without allocating.</summary>
    internal PathValues Values(JsonElement root)
    {
        if (!_singleValued)
        {
            var values = new List<JsonElement>();
            Resolve(_segments, root, values);
            return new PathValues(values);
        }

        JsonElement current = root;
        foreach (Segment segment in _segments)
        {
            if (segment.Kind == SegmentKind.Name && current.ValueKind == JsonValueKind.Object && current.TryGetProperty(segment.Key!, out JsonElement child))
            {
                current = child;
            }
            else if (segment.Kind == SegmentKind.Index && current.ValueKind == JsonValueKind.Array && segment.Index < current.GetArrayLength())
            {
                current = current[segment.Index];
            }
            else
            {
                return default;
            }
        }

        return new PathValues(current);
    }

    /// <summary>The key in its canonical form (quotes only where needed).</summary>
    public override string ToString() => _text;

    /// <inheritdoc />
    public bool Equals(JsonPath? other) => other is not null && other._text == _text;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is JsonPath other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(_text);

    private static void Resolve(ReadOnlySpan<Segment> segments, JsonElement value, List<JsonElement> values)
    {
        if (segments.IsEmpty)
        {
            values.Add(value);
            return;
        }

        Segment head = segments[0];
        switch (head.Kind)
        {
            case SegmentKind.Name when value.ValueKind == JsonValueKind.Object:
                if (value.TryGetProperty(head.Key!, out JsonElement child))
                {
                    Resolve(segments[1..], child, values);
                }

                break;
            case SegmentKind.Index when value.ValueKind == JsonValueKind.Array:
                if (head.Index < value.GetArrayLength())
                {
                    Resolve(segments[1..], value[head.Index], values);
                }

                break;
            case SegmentKind.Wildcard when value.ValueKind == JsonValueKind.Array:
                foreach (JsonElement element in value.EnumerateArray())
                {
                    Resolve(segments[1..], element, values);
                }

                break;
            default:
                break;
        }
    }

    private static string Format(List<Segment> segments)
    {
        var text = new StringBuilder();
        for (int i = 0; i < segments.Count; i++)
        {
            Segment segment = segments[i];
            switch (segment.Kind)
            {
                case SegmentKind.Name:
                    if (i > 0)
                    {
                        text.Append('.');
                    }

                    // An empty name is quoted too: unquoted it would vanish and the text would not parse back.
                    bool plain = segment.Key!.Length > 0 && segment.Key.AsSpan().IndexOfAny(".[]\"") < 0;
                    text.Append(plain ? segment.Key : "\"" + segment.Key + "\"");
                    break;
                case SegmentKind.Wildcard:
                    text.Append("[]");
                    break;
                default:
                    text.Append('[').Append(segment.Index.ToString(CultureInfo.InvariantCulture)).Append(']');
                    break;
            }
        }

        return text.ToString();
    }

    internal enum SegmentKind : byte
    {
        Name,
        Index,
        Wildcard,
    }

    internal readonly record struct Segment(SegmentKind Kind, string? Key, int Index)
    {
        public static Segment Wildcard => new(SegmentKind.Wildcard, null, 0);

        public static Segment Name(string key) => new(SegmentKind.Name, key, 0);

        public static Segment At(int index) => new(SegmentKind.Index, null, index);
    }
}
