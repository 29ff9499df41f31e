using System.Globalization;
using System.Text.Json;
using Vectron.Cli.CommandLine;

namespace Vectron.Cli.Client;

/// <summary><c>vectron collections list|create|info|delete</c> over the REST API.</summary>
internal static class CollectionsCommand
{
    /// <summary>Runs the subcommand named first in <paramref name="arguments"/>.</summary>
    public static int Run(IReadOnlyList<string> arguments, TextWriter output) => RunAsync(arguments, output).GetAwaiter().GetResult();

    private static async Task<int> RunAsync(IReadOnlyList<string> arguments, TextWriter output)
    {
        if (arguments.Count == 0)
        {
            throw CliException.Usage("'collections' needs a subcommand: list, create, info or delete (see 'vectron collections --help').");
        }

        string[] rest = arguments.Skip(1).ToArray();
        switch (arguments[0])
        {
            case "list":
            {
                var (_, list) = ClientOptions.Parse("collections list", rest, 0, [], []);
                var options = ClientOptions.From(list);
                using var client = options.CreateClient();
                await ListAsync(client, options, output).ConfigureAwait(false);
                return 0;
            }

            case "create":
            {
                var (names, list) = ClientOptions.Parse("collections create", rest, 1,
                    ["size", "distance", "shards", "m", "ef-construct", "quantization"], []);
                string name = RequireName("collections create", names);
                var options = ClientOptions.From(list);
                int size = list.GetInt32("size", 0, 1, Vectron.Index.HnswOptions.MaxDimension);
                if (size == 0)
                {
                    throw CliException.Usage("'collections create' needs --size (the vectors' dimension).");
                }

                string distance = list.GetString("distance") is null
                    ? throw CliException.Usage("'collections create' needs --distance Cosine|Dot|Euclid.")
                    : list.GetChoice("distance", "Cosine", "Cosine", "Dot", "Euclid");
                int shards = list.GetInt32("shards", 0, 0, 1024);
                int m = list.GetInt32("m", 0, 0, 512);
                int efConstruct = list.GetInt32("ef-construct", 0, 0, 100_000);
                string quantization = list.GetChoice("quantization", "none", "none", "int8");
                using var client = options.CreateClient();
                var result = await client.SendJsonAsync(HttpMethod.Put, "collections/" + VectronRestClient.Segment(name), writer =>
                {
                    writer.WriteStartObject();
                    writer.WriteStartObject("vectors");
                    writer.WriteNumber("size", size);
                    writer.WriteString("distance", distance);
                    writer.WriteEndObject();
                    if (shards > 0)
                    {
                        writer.WriteNumber("shard_number", shards);
                    }

                    if (m > 0 || efConstruct > 0)
                    {
                        writer.WriteStartObject("hnsw_config");
                        if (m > 0)
                        {
                            writer.WriteNumber("m", m);
                        }

                        if (efConstruct > 0)
                        {
                            writer.WriteNumber("ef_construct", efConstruct);
                        }

                        writer.WriteEndObject();
                    }

                    if (quantization == "int8")
                    {
                        writer.WriteStartObject("quantization_config");
                        writer.WriteStartObject("scalar");
                        writer.WriteString("type", "int8");
                        writer.WriteBoolean("always_ram", true);
                        writer.WriteEndObject();
                        writer.WriteEndObject();
                    }

                    writer.WriteEndObject();
                }, CancellationToken.None).ConfigureAwait(false);
                WriteOutcome(output, options, result, $"created collection '{name}' ({size} dimensions, {distance})");
                return 0;
            }

            case "info":
            {
                var (names, list) = ClientOptions.Parse("collections info", rest, 1, [], []);
                string name = RequireName("collections info", names);
                var options = ClientOptions.From(list);
                using var client = options.CreateClient();
                var info = await client.SendAsync(HttpMethod.Get, "collections/" + VectronRestClient.Segment(name), ReadOnlyMemory<byte>.Empty, CancellationToken.None).ConfigureAwait(false);
                if (options.Json)
                {
                    ClientOptions.WriteJson(output, info);
                    return 0;
                }

                var table = new TextTable("property", "value");
                foreach (var (label, value) in Describe(name, info))
                {
                    table.Add(label, value);
                }

                table.WriteTo(output);
                return 0;
            }

            case "delete":
            {
                var (names, list) = ClientOptions.Parse("collections delete", rest, 1, [], []);
                string name = RequireName("collections delete", names);
                var options = ClientOptions.From(list);
                using var client = options.CreateClient();
                var result = await client.SendAsync(HttpMethod.Delete, "collections/" + VectronRestClient.Segment(name), ReadOnlyMemory<byte>.Empty, CancellationToken.None).ConfigureAwait(false);
                if (!options.Json && result.ValueKind == JsonValueKind.False)
                {
                    throw new CliException($"collection '{name}' does not exist.");
                }

                WriteOutcome(output, options, result, $"deleted collection '{name}'");
                return 0;
            }

            default:
                throw CliException.Usage($"unknown subcommand 'collections {arguments[0]}': use list, create, info or delete.");
        }
    }

    /// <summary>Lists the collections with their main figures (one info call each).</summary>
    internal static async Task ListAsync(VectronRestClient client, ClientOptions options, TextWriter output)
    {
        var result = await client.SendAsync(HttpMethod.Get, "collections", ReadOnlyMemory<byte>.Empty, CancellationToken.None).ConfigureAwait(false);
        if (options.Json)
        {
            ClientOptions.WriteJson(output, result);
            return;
        }

        var table = new TextTable("name", "status", "points", "indexed", "dimension", "distance");
        foreach (string name in Names(result))
        {
            var info = await client.SendAsync(HttpMethod.Get, "collections/" + VectronRestClient.Segment(name), ReadOnlyMemory<byte>.Empty, CancellationToken.None).ConfigureAwait(false);
            table.Add(name, Text(info, "status"), Text(info, "points_count"), Text(info, "indexed_vectors_count"),
                Text(info, "config", "params", "vectors", "size"), Text(info, "config", "params", "vectors", "distance"));
        }

        table.WriteTo(output);
    }

    /// <summary>The names in a list-collections result (<c>{"collections": [{"name": …}]}</c>).</summary>
    internal static List<string> Names(JsonElement result)
    {
        var names = new List<string>();
        if (result.ValueKind == JsonValueKind.Object && result.TryGetProperty("collections", out var collections) && collections.ValueKind == JsonValueKind.Array)
        {
            foreach (var collection in collections.EnumerateArray())
            {
                if (collection.ValueKind == JsonValueKind.Object && collection.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String)
                {
                    names.Add(name.GetString()!);
                }
            }
        }

        return names;
    }

    /// <summary>The rows of <c>collections info</c>.</summary>
    internal static IEnumerable<(string Label, string Value)> Describe(string name, JsonElement info)
    {
        yield return ("name", name);
        yield return ("status", Text(info, "status"));
        yield return ("points", Text(info, "points_count"));
        yield return ("indexed vectors", Text(info, "indexed_vectors_count"));
        yield return ("dimension", Text(info, "config", "params", "vectors", "size"));
        yield return ("distance", Text(info, "config", "params", "vectors", "distance"));
        yield return ("shards", Text(info, "config", "params", "shard_number"));
        yield return ("hnsw m", Text(info, "config", "hnsw_config", "m"));
        yield return ("hnsw ef_construct", Text(info, "config", "hnsw_config", "ef_construct"));
        yield return ("quantization", Has(info, "config", "quantization_config", "scalar") ? "int8" : "none");
    }

    /// <summary>The value at a path of object keys as text, or "-" when absent.</summary>
    internal static string Text(JsonElement element, params string[] path)
    {
        if (!TryGet(element, path, out var value))
        {
            return "-";
        }

        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString()!,
            JsonValueKind.Number when value.TryGetInt64(out long whole) => whole.ToString("N0", CultureInfo.InvariantCulture),
            JsonValueKind.Null => "-",
            _ => value.GetRawText(),
        };
    }

    private static bool Has(JsonElement element, params string[] path) => TryGet(element, path, out var value) && value.ValueKind != JsonValueKind.Null;

    private static bool TryGet(JsonElement element, string[] path, out JsonElement value)
    {
        value = element;
        foreach (string key in path)
        {
            if (value.ValueKind != JsonValueKind.Object || !value.TryGetProperty(key, out value))
            {
                return false;
            }
        }

        return true;
    }

    private static string RequireName(string command, string[] names) =>
        names.Length == 1 ? names[0] : throw CliException.Usage($"'{command}' needs the collection's name: vectron {command} NAME.");

    private static void WriteOutcome(TextWriter output, ClientOptions options, JsonElement result, string message)
    {
        if (options.Json)
        {
            ClientOptions.WriteJson(output, result);
        }
        else
        {
            output.WriteLine(message);
        }
    }
}
