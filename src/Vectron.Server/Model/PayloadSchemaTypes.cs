namespace Vectron.Server.Model;

/// <summary>Wire names of <see cref="PayloadSchemaType"/>.</summary>
public static class PayloadSchemaTypes
{
    /// <summary>The Qdrant name (<c>keyword</c>, <c>integer</c>, <c>float</c>, <c>bool</c>, <c>datetime</c>, <c>uuid</c>).</summary>
    public static string ToName(this PayloadSchemaType type) => type switch
    {
        PayloadSchemaType.Keyword => "keyword",
        PayloadSchemaType.Integer => "integer",
        PayloadSchemaType.Float => "float",
        PayloadSchemaType.Bool => "bool",
        PayloadSchemaType.Datetime => "datetime",
        PayloadSchemaType.Uuid => "uuid",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown payload schema type."),
    };

    /// <summary>Reads a Qdrant name; false for anything else (geo and text indexes are not supported).</summary>
    public static bool TryParse(string? name, out PayloadSchemaType type)
    {
        switch (name)
        {
            case "keyword":
                type = PayloadSchemaType.Keyword;
                return true;
            case "integer":
                type = PayloadSchemaType.Integer;
                return true;
            case "float":
                type = PayloadSchemaType.Float;
                return true;
            case "bool":
                type = PayloadSchemaType.Bool;
                return true;
            case "datetime":
                type = PayloadSchemaType.Datetime;
                return true;
            case "uuid":
                type = PayloadSchemaType.Uuid;
                return true;
            default:
                type = default;
                return false;
        }
    }
}
