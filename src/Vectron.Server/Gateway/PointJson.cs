using System.Text.Json;
using Vectron.Server.Worker;

namespace Vectron.Server.Gateway;

/// <summary>Writes points and hits in Qdrant's shapes.</summary>
internal static class PointJson
{
    /// <summary><c>{"id", "payload", "vector"}</c> (payload and vector only when asked for).</summary>
    public static void Write(Utf8JsonWriter writer, PointRecord point)
    {
        writer.WriteStartObject();
        writer.WritePropertyName("id");
        point.Id.WriteTo(writer);
        WritePayloadAndVector(writer, point.Payload, point.Vector);
        writer.WriteEndObject();
    }

    /// <summary><c>{"id", "version", "score", "payload", "vector"}</c>.</summary>
    public static void Write(Utf8JsonWriter writer, ScoredPoint point)
    {
        writer.WriteStartObject();
        writer.WritePropertyName("id");
        point.Id.WriteTo(writer);
        writer.WriteNumber("version", point.Version);
        if (float.IsFinite(point.Score))
        {
            writer.WriteNumber("score", point.Score);
        }
        else
        {
            // Finite vectors can score beyond float32 (a dot product or distance of huge values);
            // JSON has no infinity or NaN, and Qdrant's writer renders them as null too.
            writer.WriteNull("score");
        }
        WritePayloadAndVector(writer, point.Payload, point.Vector);
        writer.WriteEndObject();
    }

    private static void WritePayloadAndVector(Utf8JsonWriter writer, JsonElement? payload, float[]? vector)
    {
        if (payload is { } selected)
        {
            writer.WritePropertyName("payload");
            selected.WriteTo(writer);
        }
        else
        {
            writer.WriteNull("payload");
        }
        if (vector is not null)
        {
            writer.WriteStartArray("vector");
            foreach (float value in vector)
            {
                writer.WriteNumberValue(value);
            }
            writer.WriteEndArray();
        }
        else
        {
            writer.WriteNull("vector");
        }
    }
}
