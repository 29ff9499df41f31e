using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Vectron.Cli.Datasets;

namespace Vectron.Cli.Bench;

/// <summary>
/// Writes one JSON object per line to a text writer and flushes it, so a reading process (the peers
/// harness) sees every line as soon as it is complete. Numbers are formatted invariantly by
/// <see cref="Utf8JsonWriter"/>.
/// </summary>
internal sealed class JsonLineWriter
{
    // The lines go to a program, never into HTML: keep '+' (in versions) and non-ASCII readable.
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>For <see cref="JsonSerializer"/>: the same relaxed escaping.</summary>
    public static readonly JsonSerializerOptions SerializerOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly TextWriter _output;
    private readonly ArrayBufferWriter<byte> _buffer = new(4096);

    public JsonLineWriter(TextWriter output)
    {
        _output = output;
    }

    /// <summary>Writes the object that <paramref name="fill"/> writes the properties of, then a newline.</summary>
    public void WriteLine(Action<Utf8JsonWriter> fill)
    {
        _buffer.ResetWrittenCount();
        using (var writer = new Utf8JsonWriter(_buffer, Options))
        {
            writer.WriteStartObject();
            fill(writer);
            writer.WriteEndObject();
        }

        _output.Write(Encoding.UTF8.GetString(_buffer.WrittenSpan));
        _output.Write('\n');
        _output.Flush();
    }

    /// <summary>Writes the properties that identify the data of a run: dataset, seed (generated sets only), n, dim, queries, metric.</summary>
    public static void WriteDataset(Utf8JsonWriter writer, Dataset dataset)
    {
        writer.WriteString("dataset", dataset.Name);
        if (dataset.Seed is ulong seed)
        {
            writer.WriteNumber("seed", seed);
        }

        writer.WriteNumber("n", dataset.Base.Rows);
        writer.WriteNumber("dim", dataset.Dimension);
        writer.WriteNumber("queries", dataset.Queries.Rows);
        writer.WriteString("metric", MetricNames.Format(dataset.Metric));
    }

    /// <summary>Writes a number, or null when there is none.</summary>
    public static void WriteOptional(Utf8JsonWriter writer, string name, long? value)
    {
        if (value is long number)
        {
            writer.WriteNumber(name, number);
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    /// <summary>Writes a number rounded to <paramref name="decimals"/> places, or null when it is not finite.</summary>
    public static void WriteRounded(Utf8JsonWriter writer, string name, double value, int decimals)
    {
        if (double.IsFinite(value))
        {
            writer.WriteNumber(name, Math.Round(value, decimals));
        }
        else
        {
            writer.WriteNull(name);
        }
    }
}
