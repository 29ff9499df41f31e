using System.Text.Json;
using Vectron.Cli.CommandLine;

namespace Vectron.Cli.Client;

/// <summary>The options every client command shares: which server (<c>--url</c>, or VECTRON_URL), JSON output, timeout.</summary>
internal sealed record ClientOptions(string Url, bool Json, TimeSpan Timeout)
{
    /// <summary>The value options every client command accepts.</summary>
    public static readonly string[] ValueOptions = ["url", "timeout-seconds"];

    /// <summary>The flags every client command accepts.</summary>
    public static readonly string[] FlagOptions = ["json"];

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>Reads the shared options from a parsed argument list.</summary>
    public static ClientOptions From(ArgumentList list)
    {
        string url = list.GetString("url") ?? Environment.GetEnvironmentVariable("VECTRON_URL") ?? VectronRestClient.DefaultUrl;
        VectronRestClient.ParseUrl(url);
        return new ClientOptions(url, list.Has("json"), TimeSpan.FromSeconds(list.GetDouble("timeout-seconds", 30, 0.1, 3600)));
    }

    /// <summary>Parses a command's arguments: leading positional arguments (how many the command takes), then options.</summary>
    public static (string[] Positional, ArgumentList Options) Parse(string command, IReadOnlyList<string> arguments, int positional,
        IEnumerable<string> valueOptions, IEnumerable<string> flagOptions)
    {
        int count = 0;
        while (count < arguments.Count && count < positional && !arguments[count].StartsWith("--", StringComparison.Ordinal))
        {
            count++;
        }

        var values = new HashSet<string>(valueOptions.Concat(ValueOptions), StringComparer.Ordinal);
        var flags = new HashSet<string>(flagOptions.Concat(FlagOptions), StringComparer.Ordinal);
        return (arguments.Take(count).ToArray(), ArgumentList.Parse(command, arguments.Skip(count).ToArray(), values, flags));
    }

    /// <summary>A client for the chosen server.</summary>
    public VectronRestClient CreateClient() => new(Url, Timeout);

    /// <summary>Writes a result as indented JSON (the <c>--json</c> output).</summary>
    public static void WriteJson(TextWriter output, JsonElement result) => output.WriteLine(JsonSerializer.Serialize(result, Indented));
}
