using System.Globalization;
using System.Text.Json;
using Vectron.Cli.CommandLine;

namespace Vectron.Cli.Client;

/// <summary><c>vectron search COLLECTION --vector … | --id …</c>: nearest neighbours over the REST API.</summary>
internal static class SearchCommand
{
    private static readonly string[] Values = ["vector", "id", "limit", "filter", "ef", "score-threshold"];
    private static readonly string[] Flags = ["exact", "with-payload", "with-vector"];

    /// <summary>Runs the search and prints a table (rank, id, score, payload) or the result as JSON.</summary>
    public static int Run(IReadOnlyList<string> arguments, TextWriter output) => RunAsync(arguments, output).GetAwaiter().GetResult();

    private static async Task<int> RunAsync(IReadOnlyList<string> arguments, TextWriter output)
    {
        var (names, list) = ClientOptions.Parse("search", arguments, 1, Values, Flags);
        if (names.Length != 1)
        {
            throw CliException.Usage("'search' needs the collection's name: vectron search NAME --vector 0.1,0.2,… (see 'vectron search --help').");
        }

        string collection = names[0];
        var options = ClientOptions.From(list);
        string? vectorText = list.GetString("vector");
        string? idText = list.GetString("id");
        if ((vectorText is null) == (idText is null))
        {
            throw CliException.Usage("'search' needs exactly one of --vector (comma-separated numbers) or --id (a point's id, to search by its vector).");
        }

        float[]? vector = vectorText is null ? null : ParseVector(vectorText);
        int limit = list.GetInt32("limit", 10, 1, 10_000);
        int ef = list.GetInt32("ef", 0, 0, 1_000_000);
        bool exact = list.Has("exact");
        bool withPayload = list.Has("with-payload");
        bool withVector = list.Has("with-vector");
        JsonDocument? filter = ParseFilter(list.GetString("filter"));
        double? threshold = list.GetString("score-threshold") is null ? null : list.GetDouble("score-threshold", 0, double.MinValue, double.MaxValue);
        using (filter)
        {
            using var client = options.CreateClient();
            string path = $"collections/{VectronRestClient.Segment(collection)}/points/{(vector is null ? "query" : "search")}";
            var result = await client.SendJsonAsync(HttpMethod.Post, path, writer =>
            {
                writer.WriteStartObject();
                if (vector is not null)
                {
                    writer.WriteStartArray("vector");
                    foreach (float value in vector)
                    {
                        writer.WriteNumberValue(value);
                    }

                    writer.WriteEndArray();
                }
                else
                {
                    writer.WritePropertyName("query");
                    WriteId(writer, idText!);
                }

                writer.WriteNumber("limit", limit);
                if (filter is not null)
                {
                    writer.WritePropertyName("filter");
                    filter.RootElement.WriteTo(writer);
                }

                if (ef > 0 || exact)
                {
                    writer.WriteStartObject("params");
                    if (ef > 0)
                    {
                        writer.WriteNumber("hnsw_ef", ef);
                    }

                    if (exact)
                    {
                        writer.WriteBoolean("exact", true);
                    }

                    writer.WriteEndObject();
                }

                if (threshold is double value2)
                {
                    writer.WriteNumber("score_threshold", value2);
                }

                writer.WriteBoolean("with_payload", withPayload);
                writer.WriteBoolean("with_vector", withVector);
                writer.WriteEndObject();
            }, CancellationToken.None).ConfigureAwait(false);

            if (options.Json)
            {
                ClientOptions.WriteJson(output, result);
                return 0;
            }

            WriteTable(output, Hits(result), withPayload, withVector);
            return 0;
        }
    }

    /// <summary>The scored points of a search result (an array) or a query result (<c>{"points": […]}</c>).</summary>
    internal static JsonElement Hits(JsonElement result) =>
        result.ValueKind == JsonValueKind.Object && result.TryGetProperty("points", out var points) ? points : result;

    /// <summary>Parses <c>--vector</c>: comma-separated finite numbers.</summary>
    internal static float[] ParseVector(string text)
    {
        string[] parts = text.Trim().TrimStart('[').TrimEnd(']').Split(',', StringSplitOptions.TrimEntries);
        var vector = new float[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!float.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out vector[i]) || !float.IsFinite(vector[i]))
            {
                throw CliException.Usage($"--vector: component {i} ('{parts[i]}') is not a finite number.");
            }
        }

        return vector;
    }

    private static JsonDocument? ParseFilter(string? text)
    {
        if (text is null)
        {
            return null;
        }

        try
        {
            var document = JsonDocument.Parse(text);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                document.Dispose();
                throw CliException.Usage("--filter must be a JSON object, e.g. '{\"must\":[{\"key\":\"color\",\"match\":{\"value\":\"red\"}}]}'.");
            }

            return document;
        }
        catch (JsonException e)
        {
            throw CliException.Usage($"--filter is not valid JSON: {e.Message}");
        }
    }

    private static void WriteId(Utf8JsonWriter writer, string text)
    {
        if (ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out ulong number))
        {
            writer.WriteNumberValue(number);
        }
        else if (Guid.TryParse(text, out var uuid))
        {
            writer.WriteStringValue(uuid.ToString("D"));
        }
        else
        {
            throw CliException.Usage($"--id '{text}' is neither an unsigned integer nor a UUID.");
        }
    }

    private static void WriteTable(TextWriter output, JsonElement hits, bool withPayload, bool withVector)
    {
        var headings = new List<string> { "rank", "id", "score" };
        if (withPayload)
        {
            headings.Add("payload");
        }

        if (withVector)
        {
            headings.Add("vector");
        }

        var table = new TextTable([.. headings]);
        int rank = 0;
        if (hits.ValueKind == JsonValueKind.Array)
        {
            foreach (var hit in hits.EnumerateArray())
            {
                var cells = new List<string>
                {
                    (++rank).ToString(CultureInfo.InvariantCulture),
                    hit.TryGetProperty("id", out var id) ? (id.ValueKind == JsonValueKind.String ? id.GetString()! : id.GetRawText()) : "-",
                    hit.TryGetProperty("score", out var score) && score.ValueKind == JsonValueKind.Number && score.TryGetDouble(out double value) ? value.ToString("0.######", CultureInfo.InvariantCulture) : "-",
                };
                if (withPayload)
                {
                    cells.Add(Shorten(hit.TryGetProperty("payload", out var payload) ? payload.GetRawText() : "-", 80));
                }

                if (withVector)
                {
                    cells.Add(Shorten(hit.TryGetProperty("vector", out var vector) ? vector.GetRawText() : "-", 60));
                }

                table.Add([.. cells]);
            }
        }

        table.WriteTo(output);
        if (rank == 0)
        {
            output.WriteLine("(no points matched)");
        }
    }

    private static string Shorten(string text, int width) => text.Length <= width ? text : string.Concat(text.AsSpan(0, width - 1), "…");
}
