using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Vectron.Server.Model;

namespace Vectron.Server.Gateway;

/// <summary>
/// One REST request as a handler sees it: route values, query flags, the JSON body, and the
/// Qdrant envelope for the answer (<c>{"result": …, "status": "ok", "time": seconds}</c>).
/// </summary>
public sealed class ApiCall
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 64, AllowDuplicateProperties = false };
    private static readonly JsonDocumentOptions LenientOptions = new() { MaxDepth = 64 };

    // Answers are JSON for programs, never embedded in HTML: keep messages readable (backticks, quotes as is).
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly TimeProvider _time;
    private readonly long _started;

    /// <summary>Wraps a request.</summary>
    public ApiCall(HttpContext context, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        Context = context;
        _time = time;
        _started = time.GetTimestamp();
    }

    /// <summary>The ASP.NET Core context.</summary>
    public HttpContext Context { get; }

    /// <summary>Cancelled when the client goes away or the server stops.</summary>
    public CancellationToken Aborted => Context.RequestAborted;

    /// <summary>Seconds since the request started.</summary>
    public double ElapsedSeconds => _time.GetElapsedTime(_started).TotalSeconds;

    /// <summary>A route value (e.g. the collection name).</summary>
    public string Route(string name) => Context.Request.RouteValues[name] as string ?? throw new ApiException($"missing route value {name}");

    /// <summary>A boolean query parameter (<c>?wait=true</c>); absent: <paramref name="defaultValue"/>.</summary>
    public bool QueryFlag(string name, bool defaultValue)
    {
        if (!Context.Request.Query.TryGetValue(name, out var values) || values.Count == 0)
        {
            return defaultValue;
        }
        string? text = values[0];
        return text switch
        {
            "true" or "1" or "" => true,
            "false" or "0" => false,
            _ => throw ApiException.BadField(name, $"expected true or false, not `{text}`"),
        };
    }

    /// <summary>
    /// Reads the body as JSON (an empty body is an empty object). Malformed JSON is a 400 naming the
    /// line and byte; a body over the limit is a 413. A string or member name that is not valid
    /// UTF-16, or a member name repeated in one object, is a 400 naming the field: shards refuse both
    /// (reading such a string throws; editing such a payload fails), and refusing them here keeps a
    /// write spread over several shards from being applied by some of them only.
    /// </summary>
    public async Task<JsonDocument> ReadJsonAsync()
    {
        var request = Context.Request;
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, Aborted).ConfigureAwait(false);
        if (buffer.Length == 0)
        {
            return JsonDocument.Parse("{}");
        }
        var bytes = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
        JsonDocument document;
        try
        {
            // The parser's own duplicate check is cheap; only a failure pays for a second, lenient
            // parse that finds the field to name.
            document = JsonDocument.Parse(bytes, DocumentOptions);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            document = ParseLeniently(bytes);
            string? duplicate = JsonStrings.FindInvalid(document.RootElement, "") is { } bad ? $"{bad}: {JsonStrings.Problem}"
                : JsonStrings.FindDuplicateName(document.RootElement, "") is { } repeated ? $"{repeated.Path}: the member name `{repeated.Name}` appears twice"
                : null;
            document.Dispose();
            throw new ApiException(duplicate ?? $"malformed JSON body: {FirstSentence(e.Message)}");
        }
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            var kind = document.RootElement.ValueKind;
            document.Dispose();
            throw new ApiException($"body: expected a JSON object, not {JsonKinds.Describe(kind)}");
        }
        // Reading an unpaired surrogate escape (\ud800) throws wherever it happens later (a 500
        // here, a stopped Raft group in a shard's Apply): refuse it once, at the door.
        if (JsonStrings.MayHoldSurrogateEscape(bytes.Span) && JsonStrings.FindInvalid(document.RootElement, "") is { } invalid)
        {
            document.Dispose();
            throw ApiException.BadField(invalid, JsonStrings.Problem);
        }
        return document;
    }

    private static JsonDocument ParseLeniently(ReadOnlyMemory<byte> bytes)
    {
        try
        {
            return JsonDocument.Parse(bytes, LenientOptions);
        }
        catch (JsonException e)
        {
            string where = e.LineNumber is { } line ? $" at line {line + 1}, byte {e.BytePositionInLine + 1}" : "";
            throw new ApiException($"malformed JSON body{where}: {FirstSentence(e.Message)}");
        }
    }

    /// <summary>Writes <c>{"result": …, "status": "ok", "time": …}</c> with status 200.</summary>
    public Task OkAsync(Action<Utf8JsonWriter> writeResult)
    {
        ArgumentNullException.ThrowIfNull(writeResult);
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WritePropertyName("result");
            writeResult(writer);
            writer.WriteString("status", "ok");
            writer.WriteNumber("time", ElapsedSeconds);
            writer.WriteEndObject();
        }
        return WriteAsync(StatusCodes.Status200OK, buffer.WrittenMemory);
    }

    /// <summary>Writes <c>{"result": true, …}</c>.</summary>
    public Task OkTrueAsync() => OkAsync(static writer => writer.WriteBooleanValue(true));

    /// <summary>Writes the error envelope <c>{"status": {"error": …}, "time": …}</c>.</summary>
    public Task ErrorAsync(ApiErrorKind kind, string message)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("status");
            writer.WriteString("error", message);
            writer.WriteEndObject();
            writer.WriteNumber("time", ElapsedSeconds);
            writer.WriteEndObject();
        }
        return WriteAsync(ErrorMapping.StatusCode(kind), buffer.WrittenMemory);
    }

    private async Task WriteAsync(int status, ReadOnlyMemory<byte> body)
    {
        var response = Context.Response;
        response.StatusCode = status;
        response.ContentType = "application/json";
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body, Aborted).ConfigureAwait(false);
    }


    private static string FirstSentence(string message)
    {
        foreach (string marker in (ReadOnlySpan<string>)[" Path:", " LineNumber:"])
        {
            int at = message.IndexOf(marker, StringComparison.Ordinal);
            if (at > 0)
            {
                message = message[..at];
            }
        }
        return message.TrimEnd();
    }
}
