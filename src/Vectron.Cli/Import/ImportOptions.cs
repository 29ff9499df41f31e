using Vectron.Cli.Client;
using Vectron.Cli.CommandLine;

namespace Vectron.Cli.Import;

/// <summary>The options of <c>vectron import FILE --collection NAME …</c>.</summary>
internal sealed record ImportOptions
{
    private static readonly HashSet<string> ValueOptions =
        ["collection", "url", "batch", "parallel", "id-offset", "distance", "checkpoint", "timeout-seconds", "retries", "sample", "dimension"];

    private static readonly HashSet<string> FlagOptions = ["create", "restart", "no-wait", "json"];

    /// <summary>The file to import, or the sample's name (<see cref="SamplePointSource.NameOf"/>) when <see cref="SampleCount"/> is set.</summary>
    public required string File { get; init; }

    /// <summary>Import a generated sample of this many points instead of a file (0: a file).</summary>
    public int SampleCount { get; init; }

    /// <summary>The sample's dimension.</summary>
    public int SampleDimension { get; init; } = 128;

    public required string Collection { get; init; }

    public string Url { get; init; } = VectronRestClient.DefaultUrl;

    public int BatchSize { get; init; } = 256;

    public int Parallel { get; init; } = 4;

    public ulong IdOffset { get; init; }

    /// <summary>Create the collection when it does not exist, with this distance (Cosine, Dot, Euclid); null: it must exist.</summary>
    public string? CreateDistance { get; init; }

    public required string CheckpointPath { get; init; }

    public bool Restart { get; init; }

    public bool Wait { get; init; } = true;

    public bool Json { get; init; }

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How many times a batch is tried again after a transient failure (no answer, 5xx) before the import stops.</summary>
    public int Retries { get; init; } = 8;

    /// <summary>The first retry's delay; each further retry doubles it, up to 10 s.</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Parses the arguments after <c>import</c>: the file first, then options.</summary>
    /// <exception cref="CliException">Missing file or collection, or a bad option.</exception>
    public static ImportOptions Parse(IReadOnlyList<string> arguments)
    {
        bool hasFile = arguments.Count > 0 && !arguments[0].StartsWith("--", StringComparison.Ordinal);
        var list = ArgumentList.Parse("import", arguments.Skip(hasFile ? 1 : 0).ToArray(), ValueOptions, FlagOptions);
        int sample = list.GetInt32("sample", 0, 1, 10_000_000);
        if (hasFile == (sample > 0))
        {
            throw CliException.Usage(hasFile
                ? "'import' takes a file or --sample N, not both."
                : "'import' needs the file to import first: vectron import FILE --collection NAME, or --sample N for generated points (see 'vectron import --help').");
        }

        if (!list.Has("sample") && list.Has("dimension"))
        {
            throw CliException.Usage("--dimension is only used with --sample (a file's dimension comes from the file).");
        }

        int dimension = list.GetInt32("dimension", 128, 1, Vectron.Index.HnswOptions.MaxDimension);
        string file = hasFile ? arguments[0] : SamplePointSource.NameOf(sample, dimension);
        string collection = list.GetRequiredString("collection");
        string? distance = list.GetString("distance") is null ? null : list.GetChoice("distance", "Cosine", "Cosine", "Dot", "Euclid");
        bool create = list.Has("create");
        if (create && distance is null)
        {
            throw CliException.Usage("--create needs --distance Cosine|Dot|Euclid (the dimension is taken from the file).");
        }

        if (!create && distance is not null)
        {
            throw CliException.Usage("--distance is only used with --create.");
        }

        string url = list.GetString("url") ?? Environment.GetEnvironmentVariable("VECTRON_URL") ?? VectronRestClient.DefaultUrl;
        VectronRestClient.ParseUrl(url);
        return new ImportOptions
        {
            File = file,
            SampleCount = sample,
            SampleDimension = dimension,
            Collection = collection,
            Url = url,
            BatchSize = list.GetInt32("batch", 256, 1, 65_536),
            Parallel = list.GetInt32("parallel", 4, 1, 256),
            IdOffset = list.GetUInt64("id-offset", 0),
            CreateDistance = create ? distance : null,
            CheckpointPath = list.GetString("checkpoint") ?? ImportCheckpoint.DefaultPath(file, collection),
            Restart = list.Has("restart"),
            Wait = !list.Has("no-wait"),
            Json = list.Has("json"),
            Timeout = TimeSpan.FromSeconds(list.GetDouble("timeout-seconds", 60, 0.1, 3600)),
            Retries = list.GetInt32("retries", 8, 0, 1000),
        };
    }
}
