namespace Vectron.Server.Model;

/// <summary>The forms of Qdrant's <c>match</c>.</summary>
internal enum MatchKind : byte
{
    /// <summary><c>{"value": v}</c> with a string.</summary>
    Keyword,

    /// <summary><c>{"value": v}</c> with an integer.</summary>
    Integer,

    /// <summary><c>{"value": v}</c> with a boolean.</summary>
    Bool,

    /// <summary><c>{"any": [...]}</c>.</summary>
    Any,

    /// <summary><c>{"except": [...]}</c>.</summary>
    Except,

    /// <summary><c>{"text": t}</c>: the value contains <c>t</c> (no full-text index exists, so Qdrant's substring semantics).</summary>
    Text,
}
