using System.Globalization;
using System.Text;
using System.Text.Json;
using Vectron.Server.Model;

namespace Vectron.Cli.Import;

/// <summary>
/// JSON lines: one object per line, <c>{"id": 7 | "uuid", "vector": [..], "payload": {..}}</c>
/// (payload optional). Blank lines are skipped. Every line must have the first line's dimension;
/// a bad line is an error naming its line number and field.
/// </summary>
internal sealed class JsonLinesPointSource : IPointSource
{
    private readonly FileStream _stream;
    private readonly StreamReader _reader;
    private readonly string _path;
    private readonly long _length;
    private long _lineNumber;
    private ImportPoint? _peeked;

    public JsonLinesPointSource(string path)
    {
        _path = path;
        _stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        _reader = new StreamReader(_stream, new UTF8Encoding(false, throwOnInvalidBytes: true), detectEncodingFromByteOrderMarks: false, 1 << 16);
        _length = _stream.Length;
        try
        {
            if (!TryParseNext(expectedDimension: 0, out var first))
            {
                throw new InvalidDataException($"{path}: no points (the file is empty or only blank lines)");
            }

            Dimension = first.Vector.Length;
            _peeked = first;
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public string Description => $"{_path} (JSON lines, dimension {Dimension})";

    public int Dimension { get; }

    public long? Count => null;

    public long Position { get; private set; }

    public double Fraction => _length == 0 ? 1 : Math.Min(1.0, (double)_stream.Position / _length);

    public bool TryRead(out ImportPoint point)
    {
        if (_peeked is ImportPoint peeked)
        {
            _peeked = null;
            point = peeked;
            Position++;
            return true;
        }

        if (TryParseNext(Dimension, out point))
        {
            Position++;
            return true;
        }

        return false;
    }

    public void Skip(long count)
    {
        for (long i = 0; i < count; i++)
        {
            if (!TryRead(out _))
            {
                throw new InvalidDataException($"{_path}: cannot skip to point {count}: the file holds {Position}");
            }
        }
    }

    public void Dispose()
    {
        _reader.Dispose();
        _stream.Dispose();
    }

    private bool TryParseNext(int expectedDimension, out ImportPoint point)
    {
        string? line;
        while ((line = ReadLine()) is not null)
        {
            if (!string.IsNullOrWhiteSpace(line))
            {
                point = ParseLine(line, expectedDimension);
                return true;
            }
        }

        point = default;
        return false;
    }

    private string? ReadLine()
    {
        try
        {
            string? line = _reader.ReadLine();
            if (line is not null)
            {
                _lineNumber++;
            }

            return line;
        }
        catch (DecoderFallbackException)
        {
            throw Bad("is not valid UTF-8");
        }
    }

    private ImportPoint ParseLine(string line, int expectedDimension)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException e)
        {
            throw Bad($"is not valid JSON: {e.Message}");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Bad($"must be a JSON object with \"id\" and \"vector\", not {JsonKinds.Describe(root.ValueKind)}");
            }

            ulong numeric = 0;
            Guid? uuid = null;
            float[]? vector = null;
            JsonElement? payload = null;
            bool sawId = false;
            foreach (var property in root.EnumerateObject())
            {
                switch (property.Name)
                {
                    case "id":
                        sawId = true;
                        (numeric, uuid) = ParseId(property.Value);
                        break;
                    case "vector":
                        vector = ParseVector(property.Value, expectedDimension);
                        break;
                    case "payload":
                        if (property.Value.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null))
                        {
                            throw Bad($"\"payload\" must be an object, not {JsonKinds.Describe(property.Value.ValueKind)}");
                        }

                        payload = property.Value.ValueKind == JsonValueKind.Null ? null : property.Value.Clone();
                        break;
                    default:
                        throw Bad($"unknown field \"{property.Name}\" (a line has \"id\", \"vector\" and optionally \"payload\")");
                }
            }

            if (!sawId)
            {
                throw Bad("\"id\" is missing");
            }

            if (vector is null)
            {
                throw Bad("\"vector\" is missing");
            }

            return new ImportPoint(numeric, uuid, vector, payload);
        }
    }

    private (ulong Numeric, Guid? Uuid) ParseId(JsonElement id)
    {
        if (id.ValueKind == JsonValueKind.Number)
        {
            if (id.TryGetUInt64(out ulong value))
            {
                return (value, null);
            }

            throw Bad($"\"id\" {id.GetRawText()} is not an unsigned 64-bit integer (ids are unsigned integers or UUIDs)");
        }

        if (id.ValueKind == JsonValueKind.String && Guid.TryParse(id.GetString(), out var uuid))
        {
            return (0, uuid);
        }

        throw Bad($"\"id\" {id.GetRawText()} is neither an unsigned integer nor a UUID");
    }

    private float[] ParseVector(JsonElement value, int expectedDimension)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            throw Bad($"\"vector\" must be an array of numbers, not {JsonKinds.Describe(value.ValueKind)}");
        }

        int length = value.GetArrayLength();
        if (length == 0)
        {
            throw Bad("\"vector\" is empty");
        }

        if (expectedDimension != 0 && length != expectedDimension)
        {
            throw Bad($"\"vector\" has {length} components; the file's first point has {expectedDimension}");
        }

        var vector = new float[length];
        int i = 0;
        foreach (var component in value.EnumerateArray())
        {
            if (component.ValueKind != JsonValueKind.Number || !component.TryGetDouble(out double number))
            {
                throw Bad($"\"vector\"[{i}] is {JsonKinds.Describe(component.ValueKind)}, not a number");
            }

            float single = (float)number;
            if (!float.IsFinite(single))
            {
                throw Bad($"\"vector\"[{i}] = {component.GetRawText()} does not fit a finite float32");
            }

            vector[i++] = single;
        }

        return vector;
    }

    private InvalidDataException Bad(string problem) =>
        new(string.Create(CultureInfo.InvariantCulture, $"{_path}, line {_lineNumber}: {problem}"));

}
