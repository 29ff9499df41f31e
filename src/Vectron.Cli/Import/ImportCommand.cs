using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Vectron.Cli.Client;
using Vectron.Cli.CommandLine;

namespace Vectron.Cli.Import;

/// <summary>
/// <c>vectron import</c>: streams a file of points into a collection over the REST API in batches,
/// several requests in flight, with a live progress line. Every point before the checkpoint's count
/// is acknowledged (<c>wait=true</c>); an interrupted or failed import resumes there when run again
/// (upserts are idempotent, so points sent after the checkpoint are simply sent again).
/// </summary>
internal sealed class ImportCommand
{
    /// <summary>Exit code after Ctrl-C (the shell's convention for SIGINT).</summary>
    public const int InterruptedExitCode = 130;

    private readonly ImportOptions _options;
    private readonly TextWriter _output;
    private readonly TextWriter _diagnostics;
    private readonly TimeProvider _time;
    private readonly bool _terminal;
    private readonly Func<VectronRestClient> _clientFactory;

    public ImportCommand(ImportOptions options, TextWriter output, TextWriter diagnostics, TimeProvider time, bool terminal,
        Func<VectronRestClient>? clientFactory = null)
    {
        _options = options;
        _output = output;
        _diagnostics = diagnostics;
        _time = time;
        _terminal = terminal;
        _clientFactory = clientFactory ?? (() => new VectronRestClient(options.Url, options.Timeout));
    }

    /// <summary>Runs the import; <paramref name="cancellationToken"/> is Ctrl-C (stops cleanly, keeps the checkpoint).</summary>
    public int Run(CancellationToken cancellationToken) => RunAsync(cancellationToken).GetAwaiter().GetResult();

    private async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        using var source = _options.SampleCount > 0
            ? new SamplePointSource(_options.SampleCount, _options.SampleDimension)
            : PointSources.Open(_options.File, _options.IdOffset);
        using var client = _clientFactory();
        await EnsureCollectionAsync(client, source.Dimension, cancellationToken).ConfigureAwait(false);

        long start = ResumePoint(source);
        if (start > 0)
        {
            source.Skip(start);
        }

        var run = new ImportRun(client, _options, source, start, _time);
        var progress = new ImportProgress(_diagnostics, _time, _terminal, start);
        _diagnostics.WriteLine(start > 0
            ? string.Create(CultureInfo.InvariantCulture, $"importing {source.Description} into '{_options.Collection}', resuming after {start:N0} points")
            : $"importing {source.Description} into '{_options.Collection}'");
        ImportOutcome outcome;
        try
        {
            outcome = await run.ExecuteAsync(done => progress.Report(done, source.Count, source.Fraction), cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException)
        {
            // The file is damaged past this point: keep what was acknowledged, then report the damage.
            progress.BreakLine();
            SaveCheckpoint(run.Acknowledged);
            throw;
        }

        progress.Finish(run.Acknowledged, source.Count, source.Fraction);
        TimeSpan elapsed = _time.GetElapsedTime(run.StartedAt);
        switch (outcome.Kind)
        {
            case ImportOutcomeKind.Completed:
                File.Delete(_options.CheckpointPath);
                WriteSummary(run, elapsed);
                return 0;
            case ImportOutcomeKind.Interrupted:
                SaveCheckpoint(run.Acknowledged);
                _diagnostics.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"interrupted: {run.Acknowledged:N0} points acknowledged; run the same command again to resume (checkpoint {_options.CheckpointPath})"));
                return InterruptedExitCode;
            default:
                SaveCheckpoint(run.Acknowledged);
                throw new CliException(string.Create(CultureInfo.InvariantCulture,
                    $"import stopped: {outcome.Error}. {run.Acknowledged:N0} points are acknowledged; fix the cause and run the same command again to resume (checkpoint {_options.CheckpointPath})."));
        }
    }

    private long ResumePoint(IPointSource source)
    {
        var current = Checkpoint(0);
        if (_options.Restart)
        {
            File.Delete(_options.CheckpointPath);
            return 0;
        }

        var saved = ImportCheckpoint.Read(_options.CheckpointPath);
        if (saved is null)
        {
            return 0;
        }

        if (!saved.Matches(current))
        {
            throw new CliException($"checkpoint {_options.CheckpointPath} was written for another version of {saved.Source} or another collection; run with --restart to import from the beginning.");
        }

        if (source.Count is long count && saved.PointsDone > count)
        {
            throw new CliException($"checkpoint {_options.CheckpointPath} says {saved.PointsDone} points are done but the file has {count}; run with --restart.");
        }

        return saved.PointsDone;
    }

    private void SaveCheckpoint(long acknowledged) =>
        Checkpoint(acknowledged).Write(_options.CheckpointPath);

    private ImportCheckpoint Checkpoint(long acknowledged) => _options.SampleCount > 0
        ? ImportCheckpoint.ForSample(_options.File, SamplePointSource.Seed, _options.Collection, acknowledged)
        : ImportCheckpoint.For(_options.File, _options.Collection, acknowledged);

    private async Task EnsureCollectionAsync(VectronRestClient client, int dimension, CancellationToken cancellationToken)
    {
        string path = "collections/" + VectronRestClient.Segment(_options.Collection);
        try
        {
            var info = await client.SendAsync(HttpMethod.Get, path, ReadOnlyMemory<byte>.Empty, cancellationToken).ConfigureAwait(false);
            int? size = CollectionSize(info);
            if (size is int existing && existing != dimension)
            {
                throw new CliException($"collection '{_options.Collection}' holds vectors of dimension {existing}; {_options.File} has dimension {dimension}.");
            }
        }
        catch (RestException e) when (e.StatusCode == 404)
        {
            if (_options.CreateDistance is not string distance)
            {
                throw new CliException($"collection '{_options.Collection}' does not exist; create it first (vectron collections create) or pass --create --distance Cosine|Dot|Euclid.");
            }

            await client.SendJsonAsync(HttpMethod.Put, path, writer =>
            {
                writer.WriteStartObject();
                writer.WriteStartObject("vectors");
                writer.WriteNumber("size", dimension);
                writer.WriteString("distance", distance);
                writer.WriteEndObject();
                writer.WriteEndObject();
            }, cancellationToken).ConfigureAwait(false);
            _diagnostics.WriteLine($"created collection '{_options.Collection}' (dimension {dimension}, {distance})");
        }
    }

    /// <summary>The vector size in a collection-info result (<c>config.params.vectors.size</c>), when present.</summary>
    internal static int? CollectionSize(JsonElement info) =>
        info.ValueKind == JsonValueKind.Object
        && info.TryGetProperty("config", out var config) && config.ValueKind == JsonValueKind.Object
        && config.TryGetProperty("params", out var parameters) && parameters.ValueKind == JsonValueKind.Object
        && parameters.TryGetProperty("vectors", out var vectors) && vectors.ValueKind == JsonValueKind.Object
        && vectors.TryGetProperty("size", out var size) && size.TryGetInt32(out int value)
            ? value
            : null;

    private void WriteSummary(ImportRun run, TimeSpan elapsed)
    {
        long imported = run.Acknowledged - run.StartPoint;
        double rate = elapsed.TotalSeconds > 0 ? imported / elapsed.TotalSeconds : 0;
        if (_options.Json)
        {
            var buffer = new ArrayBufferWriter<byte>();
            using (var writer = new Utf8JsonWriter(buffer))
            {
                writer.WriteStartObject();
                writer.WriteString("collection", _options.Collection);
                writer.WriteString("file", _options.File);
                writer.WriteNumber("points", run.Acknowledged);
                writer.WriteNumber("imported_this_run", imported);
                writer.WriteNumber("seconds", Math.Round(elapsed.TotalSeconds, 3));
                writer.WriteNumber("points_per_sec", Math.Round(rate, 1));
                writer.WriteNumber("retries", run.Retries);
                writer.WriteEndObject();
            }

            _output.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan));
            return;
        }

        _output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"imported {imported:N0} points into '{_options.Collection}' in {elapsed.TotalSeconds:0.0} s ({rate:N0} points/s); {run.Acknowledged:N0} in total from {_options.File}{(run.Retries > 0 ? $"; {run.Retries} batches were retried" : string.Empty)}"));
    }
}
