using System.Text.Json;

namespace Vectron.Cli.Import;

/// <summary>One point read from an import file: its id (a number, or a UUID string), vector and optional payload.</summary>
/// <param name="NumericId">The id when it is an unsigned integer.</param>
/// <param name="UuidId">The id when it is a UUID (then <paramref name="NumericId"/> is ignored).</param>
/// <param name="Vector">The vector (owned by this point).</param>
/// <param name="Payload">The payload object, or null for none.</param>
internal readonly record struct ImportPoint(ulong NumericId, Guid? UuidId, float[] Vector, JsonElement? Payload)
{
    /// <summary>Writes the point as the REST API's point object.</summary>
    public void WriteTo(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        if (UuidId is Guid uuid)
        {
            writer.WriteString("id", uuid.ToString("D"));
        }
        else
        {
            writer.WriteNumber("id", NumericId);
        }

        writer.WriteStartArray("vector");
        foreach (float value in Vector)
        {
            writer.WriteNumberValue(value);
        }

        writer.WriteEndArray();
        if (Payload is JsonElement payload)
        {
            writer.WritePropertyName("payload");
            payload.WriteTo(writer);
        }

        writer.WriteEndObject();
    }

    /// <summary>The id as a user reads it.</summary>
    public string IdText => UuidId is Guid uuid ? uuid.ToString("D") : NumericId.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
