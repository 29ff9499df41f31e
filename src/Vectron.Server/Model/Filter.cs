using System.Buffers;
using System.Text.Json;

namespace Vectron.Server.Model;

/// <summary>
/// A Qdrant filter: every <c>must</c> condition holds, at least one <c>should</c> condition holds (when
/// any are given), no <c>must_not</c> condition holds, and at least <c>min_count</c> of the
/// <c>min_should</c> conditions hold. Immutable and safe to evaluate from many threads.
/// </summary>
public sealed class Filter
{
    internal Filter(IReadOnlyList<Condition> must, IReadOnlyList<Condition> should, IReadOnlyList<Condition> mustNot, IReadOnlyList<Condition>? minShould, int minCount)
    {
        Must = must;
        Should = should;
        MustNot = mustNot;
        MinShould = minShould;
        MinCount = minCount;
    }

    /// <summary>A filter that admits every point.</summary>
    public static Filter Empty { get; } = new([], [], [], null, 0);

    internal IReadOnlyList<Condition> Must { get; }

    internal IReadOnlyList<Condition> Should { get; }

    internal IReadOnlyList<Condition> MustNot { get; }

    internal IReadOnlyList<Condition>? MinShould { get; }

    internal int MinCount { get; }

    /// <summary>
    /// Parses Qdrant's filter JSON. Throws a <see cref="RequestException"/> whose message starts with
    /// the path of the bad field below <paramref name="path"/> (e.g. <c>filter.must[1].range.gt: expected a number</c>).
    /// </summary>
    public static Filter Parse(JsonElement json, string path = "filter")
    {
        JsonStrings.Check(json, path);
        return FilterParser.ParseFilter(json, path);
    }

    /// <summary>Parses filter JSON text (see <see cref="Parse(JsonElement, string)"/>).</summary>
    public static Filter Parse(string json, string path = "filter")
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException error)
        {
            throw RequestException.At(path, "malformed JSON: " + error.Message);
        }

        using (document)
        {
            return Parse(document.RootElement, path);
        }
    }

    /// <summary>Whether a point with <paramref name="id"/> and <paramref name="payload"/> passes the filter; a payload that is not an object counts as an empty one.</summary>
    public bool Matches(PointId id, JsonElement payload)
    {
        foreach (Condition condition in Must)
        {
            if (!condition.Matches(id, payload))
            {
                return false;
            }
        }

        foreach (Condition condition in MustNot)
        {
            if (condition.Matches(id, payload))
            {
                return false;
            }
        }

        if (Should.Count > 0)
        {
            bool any = false;
            foreach (Condition condition in Should)
            {
                if (condition.Matches(id, payload))
                {
                    any = true;
                    break;
                }
            }

            if (!any)
            {
                return false;
            }
        }

        if (MinShould is { } minShould)
        {
            int matched = 0;
            foreach (Condition condition in minShould)
            {
                if (condition.Matches(id, payload) && ++matched >= MinCount)
                {
                    break;
                }
            }

            if (matched < MinCount)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Writes the filter as canonical JSON (every clause as an array; a parse of it gives an equal filter).</summary>
    public void WriteTo(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        WriteClause(writer, "must", Must);
        WriteClause(writer, "should", Should);
        WriteClause(writer, "must_not", MustNot);
        if (MinShould is not null)
        {
            writer.WriteStartObject("min_should");
            WriteClause(writer, "conditions", MinShould);
            writer.WriteNumber("min_count", MinCount);
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    /// <summary>The canonical JSON of the filter as UTF-8 bytes.</summary>
    public byte[] ToUtf8Json()
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteTo(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The canonical JSON of the filter.</summary>
    public override string ToString() => System.Text.Encoding.UTF8.GetString(ToUtf8Json());

    internal void Visit(Action<Condition> visit)
    {
        foreach (Condition condition in Must)
        {
            condition.Visit(visit);
        }

        foreach (Condition condition in Should)
        {
            condition.Visit(visit);
        }

        foreach (Condition condition in MustNot)
        {
            condition.Visit(visit);
        }

        if (MinShould is not null)
        {
            foreach (Condition condition in MinShould)
            {
                condition.Visit(visit);
            }
        }
    }

    private static void WriteClause(Utf8JsonWriter writer, string name, IReadOnlyList<Condition> conditions)
    {
        if (conditions.Count == 0 && name != "conditions")
        {
            return;
        }

        writer.WriteStartArray(name);
        foreach (Condition condition in conditions)
        {
            condition.WriteTo(writer);
        }

        writer.WriteEndArray();
    }
}
