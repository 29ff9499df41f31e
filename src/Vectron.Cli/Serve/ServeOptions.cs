using System.Globalization;
using System.Text.Json;
using Vectron.Cli.CommandLine;

namespace Vectron.Cli.Serve;

/// <summary>
/// The settings of <c>vectron serve</c>. Each comes from, in order of precedence: the command line,
/// an environment variable (VECTRON_*), the config file (<c>--config FILE</c>, VECTRON_CONFIG, or
/// ./vectron.json when present), then the default.
/// </summary>
internal sealed record ServeOptions
{
    public string DataDirectory { get; init; } = "./vectron-data";

    public string Host { get; init; } = "127.0.0.1";

    public int Port { get; init; } = 6333;

    public int GrpcPort { get; init; } = 6334;

    public bool Insecure { get; init; }

    public int MaxBodyMegabytes { get; init; } = 32;

    public int DefaultShards { get; init; } = Environment.ProcessorCount;

    public string LogLevel { get; init; } = "information";

    public int SnapshotEvery { get; init; } = 500;

    public int ReadConcurrency { get; init; } = Environment.ProcessorCount;

    public int SnapshotEveryMegabytes { get; init; } = 64;

    public string? ConfigFile { get; init; }

    /// <summary>The (setting, command-line option, environment variable, config key) table: one row per setting.</summary>
    private static readonly (string Option, string Environment, string Key)[] Settings =
    [
        ("data", "VECTRON_DATA", "data"),
        ("host", "VECTRON_HOST", "host"),
        ("port", "VECTRON_PORT", "port"),
        ("grpc-port", "VECTRON_GRPC_PORT", "grpc_port"),
        ("max-body-mb", "VECTRON_MAX_BODY_MB", "max_body_mb"),
        ("default-shards", "VECTRON_DEFAULT_SHARDS", "default_shards"),
        ("log-level", "VECTRON_LOG_LEVEL", "log_level"),
        ("snapshot-every", "VECTRON_SNAPSHOT_EVERY", "snapshot_every"),
        ("read-concurrency", "VECTRON_READ_CONCURRENCY", "read_concurrency"),
        ("snapshot-every-mb", "VECTRON_SNAPSHOT_EVERY_MB", "snapshot_every_mb"),
    ];

    /// <summary>Resolves every setting.</summary>
    /// <exception cref="CliException">A value is invalid (the message names where it came from).</exception>
    public static ServeOptions Parse(IReadOnlyList<string> arguments, Func<string, string?> environment)
    {
        var valueOptions = new HashSet<string>(Settings.Select(setting => setting.Option), StringComparer.Ordinal) { "config" };
        var args = ArgumentList.Parse("serve", arguments, valueOptions, new HashSet<string>(StringComparer.Ordinal) { "insecure" });
        string? configPath = args.GetString("config") ?? environment("VECTRON_CONFIG");
        configPath ??= File.Exists("vectron.json") ? "vectron.json" : null;
        var fileValues = configPath is null ? new Dictionary<string, string>() : ReadConfig(configPath);

        (string Value, string Source)? Lookup(string option)
        {
            var (_, variable, key) = Settings.First(setting => setting.Option == option);
            if (args.GetString(option) is { } fromArgs)
            {
                return (fromArgs, $"--{option}");
            }
            if (environment(variable) is { Length: > 0 } fromEnvironment)
            {
                return (fromEnvironment, variable);
            }
            return fileValues.TryGetValue(key, out var fromFile) ? (fromFile, $"{configPath}: {key}") : null;
        }

        int Int(string option, int defaultValue, int min, int max)
        {
            if (Lookup(option) is not { } found)
            {
                return defaultValue;
            }
            return int.TryParse(found.Value, NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value >= min && value <= max
                ? value
                : throw CliException.Usage($"{found.Source}: expected a whole number from {min} to {max}, got '{found.Value}'.");
        }

        var defaults = new ServeOptions();
        bool insecure = args.Has("insecure") || environment("VECTRON_INSECURE") is "1" or "true"
            || (fileValues.TryGetValue("insecure", out var insecureText) && insecureText == "true");
        string logLevel = Lookup("log-level")?.Value ?? defaults.LogLevel;
        if (logLevel is not ("trace" or "debug" or "information" or "warning" or "error" or "none"))
        {
            throw CliException.Usage($"log level '{logLevel}' is not one of trace, debug, information, warning, error, none");
        }
        return new ServeOptions
        {
            DataDirectory = Lookup("data")?.Value ?? defaults.DataDirectory,
            Host = Lookup("host")?.Value ?? defaults.Host,
            Port = Int("port", defaults.Port, 0, 65535),
            GrpcPort = Int("grpc-port", defaults.GrpcPort, 0, 65535),
            MaxBodyMegabytes = Int("max-body-mb", defaults.MaxBodyMegabytes, 1, 2047),
            DefaultShards = Int("default-shards", defaults.DefaultShards, 1, 1024),
            SnapshotEvery = Int("snapshot-every", defaults.SnapshotEvery, 0, int.MaxValue),
            ReadConcurrency = Int("read-concurrency", defaults.ReadConcurrency, 1, 4096),
            SnapshotEveryMegabytes = Int("snapshot-every-mb", defaults.SnapshotEveryMegabytes, 0, 1 << 20),
            Insecure = insecure,
            LogLevel = logLevel,
            ConfigFile = configPath,
        };
    }

    private static Dictionary<string, string> ReadConfig(string path)
    {
        if (!File.Exists(path))
        {
            throw CliException.Usage($"config file '{path}' does not exist");
        }
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw CliException.Usage($"config file '{path}' must hold a JSON object");
            }
            var known = new HashSet<string>(Settings.Select(setting => setting.Key), StringComparer.Ordinal) { "insecure" };
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (!known.Contains(property.Name))
                {
                    throw CliException.Usage($"config file '{path}': unknown setting '{property.Name}' (known: {string.Join(", ", known.Order(StringComparer.Ordinal))})");
                }
                values[property.Name] = property.Value.ValueKind switch
                {
                    JsonValueKind.String => property.Value.GetString()!,
                    JsonValueKind.Number => property.Value.GetRawText(),
                    JsonValueKind.True => "true",
                    JsonValueKind.False => "false",
                    _ => throw CliException.Usage($"config file '{path}': '{property.Name}' must be a string, number or boolean"),
                };
            }
        }
        catch (JsonException e)
        {
            throw CliException.Usage($"config file '{path}' is not valid JSON: {e.Message}");
        }
        return values;
    }

    /// <summary>One line per setting, for the startup banner of verbose runs and tests.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"data={DataDirectory} host={Host} port={Port} grpc-port={GrpcPort} insecure={Insecure} max-body-mb={MaxBodyMegabytes} default-shards={DefaultShards} snapshot-every={SnapshotEvery} snapshot-every-mb={SnapshotEveryMegabytes} read-concurrency={ReadConcurrency} log-level={LogLevel} config={ConfigFile ?? "-"}");
}
