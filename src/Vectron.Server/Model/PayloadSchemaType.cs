namespace Vectron.Server.Model;

/// <summary>The kinds of payload index (Qdrant's <c>field_schema</c> names, lower-case on the wire).</summary>
public enum PayloadSchemaType : byte
{
    /// <summary>Strings, exact match.</summary>
    Keyword = 0,

    /// <summary>Integers: exact match and ranges.</summary>
    Integer = 1,

    /// <summary>Numbers: ranges.</summary>
    Float = 2,

    /// <summary>Booleans.</summary>
    Bool = 3,

    /// <summary>RFC 3339 datetimes: ranges.</summary>
    Datetime = 4,

    /// <summary>UUID strings: exact match.</summary>
    Uuid = 5,
}
