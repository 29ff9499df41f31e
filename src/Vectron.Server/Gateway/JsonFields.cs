using System.Text.Json;
using Vectron.Server.Model;

namespace Vectron.Server.Gateway;

/// <summary>Reads typed fields of a JSON request object; every failure is a 400 naming the field's path.</summary>
public static class JsonFields
{
    /// <summary>The field, or null when absent or JSON null.</summary>
    public static JsonElement? Optional(JsonElement parent, string name)
    {
        return parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null
            ? value : null;
    }

    /// <summary>The field; a 400 when absent.</summary>
    public static JsonElement Required(JsonElement parent, string name, string path) =>
        Optional(parent, name) ?? throw ApiException.BadField(path, "missing field");

    /// <summary>An object field (null when absent).</summary>
    public static JsonElement? OptionalObject(JsonElement parent, string name, string path)
    {
        var value = Optional(parent, name);
        if (value is { } element && element.ValueKind != JsonValueKind.Object)
        {
            throw ApiException.BadField(path, $"expected an object, not {JsonKinds.Describe(element.ValueKind)}");
        }
        return value;
    }

    /// <summary>An integer field within [min, max] (null when absent).</summary>
    public static long? OptionalInt(JsonElement parent, string name, string path, long min, long max)
    {
        if (Optional(parent, name) is not { } value)
        {
            return null;
        }
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out long number))
        {
            throw ApiException.BadField(path, $"expected an integer, not {Text(value)}");
        }
        if (number < min || number > max)
        {
            throw ApiException.BadField(path, $"must be between {min} and {max}, not {number}");
        }
        return number;
    }

    /// <summary>A number field (null when absent); must be finite.</summary>
    public static double? OptionalNumber(JsonElement parent, string name, string path)
    {
        if (Optional(parent, name) is not { } value)
        {
            return null;
        }
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out double number) || !double.IsFinite(number))
        {
            throw ApiException.BadField(path, $"expected a finite number, not {Text(value)}");
        }
        return number;
    }

    /// <summary>A boolean field (null when absent).</summary>
    public static bool? OptionalBool(JsonElement parent, string name, string path)
    {
        if (Optional(parent, name) is not { } value)
        {
            return null;
        }
        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw ApiException.BadField(path, $"expected true or false, not {Text(value)}"),
        };
    }

    /// <summary>A string field (null when absent).</summary>
    public static string? OptionalString(JsonElement parent, string name, string path)
    {
        if (Optional(parent, name) is not { } value)
        {
            return null;
        }
        return value.ValueKind == JsonValueKind.String ? value.GetString()! : throw ApiException.BadField(path, $"expected a string, not {Text(value)}");
    }

    /// <summary>A required string field.</summary>
    public static string RequiredString(JsonElement parent, string name, string path) =>
        OptionalString(parent, name, path) ?? throw ApiException.BadField(path, "missing field");

    /// <summary>
    /// A dense vector: an array of finite numbers of exactly <paramref name="dimension"/> values.
    /// </summary>
    public static float[] Vector(JsonElement value, string path, int dimension)
    {
        if (value.ValueKind == JsonValueKind.Object)
        {
            throw ApiException.BadField(path, "named vectors are not supported: collections have one unnamed vector");
        }
        if (value.ValueKind != JsonValueKind.Array)
        {
            throw ApiException.BadField(path, $"expected an array of numbers, not {Text(value)}");
        }
        int length = value.GetArrayLength();
        if (length != dimension)
        {
            throw ApiException.BadField(path, $"wrong vector dimension: expected {dimension}, got {length}");
        }
        var vector = new float[length];
        int i = 0;
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetDouble(out double number))
            {
                throw ApiException.BadField($"{path}[{i}]", $"expected a number, not {Text(item)}");
            }
            float single = (float)number;
            if (!float.IsFinite(single))
            {
                throw ApiException.BadField($"{path}[{i}]", $"value {number} is not a finite 32-bit float");
            }
            vector[i++] = single;
        }
        return vector;
    }

    /// <summary>A short rendering of a JSON value for messages.</summary>
    public static string Text(JsonElement value)
    {
        string raw = value.GetRawText();
        return raw.Length <= 40 ? raw : raw[..37] + "...";
    }
}
