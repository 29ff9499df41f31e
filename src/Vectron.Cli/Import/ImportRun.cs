using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Vectron.Cli.Client;

namespace Vectron.Cli.Import;

/// <summary>How an import run ended.</summary>
internal enum ImportOutcomeKind
{
    /// <summary>Every point of the file is acknowledged.</summary>
    Completed,

    /// <summary>Stopped by the user (Ctrl-C).</summary>
    Interrupted,

    /// <summary>A batch was refused, or kept failing after its retries.</summary>
    Failed,
}

/// <summary>The end of an import run and, when it failed, why.</summary>
internal readonly record struct ImportOutcome(ImportOutcomeKind Kind, string? Error);

/// <summary>
/// One pass of an import: reads batches from the source on the calling task and keeps up to
/// <see cref="ImportOptions.Parallel"/> upserts in flight. Batches finish in any order; the
/// acknowledged count only advances over a gap-free prefix of the file, so everything before it is
/// durable on the server and a resume starts exactly there. Transient failures (no answer, 5xx) are
/// retried with capped exponential backoff; a refusal (4xx) stops the run with the batch's range.
/// </summary>
internal sealed class ImportRun
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(10);

    private readonly VectronRestClient _client;
    private readonly ImportOptions _options;
    private readonly IPointSource _source;
    private readonly TimeProvider _time;
    private readonly string _upsertPath;

    // Guards _finished, _acknowledged and _error: batch completions race each other.
    private readonly Lock _lock = new();
    private readonly SortedDictionary<long, long> _finished = [];
    private long _acknowledged;
    private string? _error;
    private int _retries;

    public ImportRun(VectronRestClient client, ImportOptions options, IPointSource source, long startPoint, TimeProvider time)
    {
        _client = client;
        _options = options;
        _source = source;
        _time = time;
        StartPoint = startPoint;
        _acknowledged = startPoint;
        StartedAt = time.GetTimestamp();
        _upsertPath = $"collections/{VectronRestClient.Segment(options.Collection)}/points?wait={(options.Wait ? "true" : "false")}";
    }

    /// <summary>The point this run started from (after an earlier run's checkpoint).</summary>
    public long StartPoint { get; }

    /// <summary>The run's start, a <see cref="TimeProvider"/> timestamp.</summary>
    public long StartedAt { get; }

    /// <summary>How many points from the start of the file are acknowledged, with no gap.</summary>
    public long Acknowledged
    {
        get
        {
            lock (_lock)
            {
                return _acknowledged;
            }
        }
    }

    /// <summary>How many batch attempts were repeated after a transient failure.</summary>
    public int Retries => Volatile.Read(ref _retries);

    /// <summary>Runs until the file is imported, the user cancels, or a batch fails for good.</summary>
    /// <param name="report">Called after each batch is sent with the acknowledged count (for progress).</param>
    /// <param name="cancellationToken">The user's cancellation (Ctrl-C).</param>
    /// <exception cref="InvalidDataException">The file is damaged (batches in flight are finished first).</exception>
    public async Task<ImportOutcome> ExecuteAsync(Action<long> report, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var gate = new SemaphoreSlim(_options.Parallel);
        var inFlight = new List<Task>();
        InvalidDataException? damage = null;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    await gate.WaitAsync(stop.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                Batch? batch;
                try
                {
                    batch = ReadBatch();
                }
                catch (InvalidDataException e)
                {
                    gate.Release();
                    damage = e;
                    break;
                }

                if (batch is null)
                {
                    gate.Release();
                    break;
                }

                inFlight.Add(SendAsync(batch, gate, stop));
                inFlight.RemoveAll(task => task.IsCompleted);
                report(Acknowledged);
            }
        }
        finally
        {
            await Task.WhenAll(inFlight).ConfigureAwait(false);
        }

        if (damage is not null)
        {
            throw damage;
        }

        lock (_lock)
        {
            if (_error is not null)
            {
                return new ImportOutcome(ImportOutcomeKind.Failed, _error);
            }
        }

        return cancellationToken.IsCancellationRequested
            ? new ImportOutcome(ImportOutcomeKind.Interrupted, null)
            : new ImportOutcome(ImportOutcomeKind.Completed, null);
    }

    private Batch? ReadBatch()
    {
        long first = _source.Position;
        var buffer = new ArrayBufferWriter<byte>(64 * 1024);
        int count = 0;
        string? firstId = null;
        string? lastId = null;
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("points");
            while (count < _options.BatchSize && _source.TryRead(out var point))
            {
                CheckFinite(point, first + count);
                point.WriteTo(writer);
                firstId ??= point.IdText;
                lastId = point.IdText;
                count++;
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return count == 0 ? null : new Batch(first, count, firstId!, lastId!, buffer.WrittenMemory);
    }

    private void CheckFinite(ImportPoint point, long position)
    {
        for (int i = 0; i < point.Vector.Length; i++)
        {
            if (!float.IsFinite(point.Vector[i]))
            {
                throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                    $"{_source.Description}: point {position} (id {point.IdText}) has component {i} = {point.Vector[i]}; vectors must be finite"));
            }
        }
    }

    private async Task SendAsync(Batch batch, SemaphoreSlim gate, CancellationTokenSource stop)
    {
        try
        {
            for (int attempt = 0; ; attempt++)
            {
                try
                {
                    await _client.SendAsync(HttpMethod.Put, _upsertPath, batch.Body, stop.Token).ConfigureAwait(false);
                    Finished(batch);
                    return;
                }
                catch (RestException e) when (e.IsTransient && attempt < _options.Retries)
                {
                    Interlocked.Increment(ref _retries);
                    double seconds = Math.Min(MaxBackoff.TotalSeconds, _options.RetryBaseDelay.TotalSeconds * Math.Pow(2, attempt));
                    await Task.Delay(TimeSpan.FromSeconds(seconds), _time, stop.Token).ConfigureAwait(false);
                }
                catch (RestException e)
                {
                    Fail(batch, e.Message, stop);
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopped by the user or by another batch's failure: this batch stays unacknowledged and is sent again on resume.
        }
        finally
        {
            gate.Release();
        }
    }

    private void Finished(Batch batch)
    {
        lock (_lock)
        {
            _finished[batch.First] = batch.First + batch.Count;
            while (_finished.Remove(_acknowledged, out long end))
            {
                _acknowledged = end;
            }
        }
    }

    private void Fail(Batch batch, string message, CancellationTokenSource stop)
    {
        lock (_lock)
        {
            _error ??= string.Create(CultureInfo.InvariantCulture,
                $"points {batch.First:N0}–{batch.First + batch.Count - 1:N0} of the file (ids {batch.FirstId}…{batch.LastId}): {message}");
        }

        stop.Cancel();
    }

    private sealed record Batch(long First, int Count, string FirstId, string LastId, ReadOnlyMemory<byte> Body);
}
