namespace Vectron.Server.Gateway;

/// <summary>An expected failure of a request, carried to <see cref="ErrorMapping"/> which writes the answer.</summary>
public sealed class ApiException : Exception
{
    /// <summary>Creates an error of <paramref name="kind"/>.</summary>
    public ApiException(ApiErrorKind kind, string message)
        : base(message)
    {
        Kind = kind;
    }

    /// <summary>Creates a bad-request error.</summary>
    public ApiException()
        : this(ApiErrorKind.BadRequest, "bad request")
    {
    }

    /// <summary>Creates a bad-request error.</summary>
    public ApiException(string message)
        : this(ApiErrorKind.BadRequest, message)
    {
    }

    /// <summary>Creates an internal error wrapping <paramref name="innerException"/>.</summary>
    public ApiException(string message, Exception innerException)
        : base(message, innerException)
    {
        Kind = ApiErrorKind.Internal;
    }

    /// <summary>What went wrong.</summary>
    public ApiErrorKind Kind { get; }

    /// <summary>A bad-request error at a field: "path: problem".</summary>
    public static ApiException BadField(string path, string problem) => new(ApiErrorKind.BadRequest, $"{path}: {problem}");

    /// <summary>The collection (or alias) does not exist.</summary>
    public static ApiException CollectionNotFound(string name) => new(ApiErrorKind.NotFound, $"Collection `{name}` doesn't exist!");
}
