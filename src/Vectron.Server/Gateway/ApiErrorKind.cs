namespace Vectron.Server.Gateway;

/// <summary>The gateway's one error taxonomy; <see cref="ErrorMapping"/> maps each kind to its HTTP status.</summary>
public enum ApiErrorKind : byte
{
    /// <summary>The request is invalid (HTTP 400); the message names the field.</summary>
    BadRequest = 0,
    /// <summary>A named collection, alias, point or index does not exist (HTTP 404).</summary>
    NotFound = 1,
    /// <summary>The name is already taken (HTTP 409).</summary>
    Conflict = 2,
    /// <summary>The body is over the size limit (HTTP 413).</summary>
    TooLarge = 3,
    /// <summary>The data is not available now (no leader, timed out, stopping): retry (HTTP 503).</summary>
    Unavailable = 4,
    /// <summary>A bug or an unexpected failure (HTTP 500).</summary>
    Internal = 5,
}
