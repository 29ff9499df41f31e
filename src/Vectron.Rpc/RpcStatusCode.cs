namespace Vectron.Rpc;

/// <summary>The gRPC status codes, with gRPC's numeric values (they travel as <c>grpc-status</c>).</summary>
public enum RpcStatusCode
{
    /// <summary>Success.</summary>
    OK = 0,

    /// <summary>The operation was cancelled, typically by the caller.</summary>
    Cancelled = 1,

    /// <summary>An error with no better code (an exception in a handler).</summary>
    Unknown = 2,

    /// <summary>The caller's argument is invalid whatever the system's state.</summary>
    InvalidArgument = 3,

    /// <summary>The deadline expired before the operation completed.</summary>
    DeadlineExceeded = 4,

    /// <summary>Something requested was not found.</summary>
    NotFound = 5,

    /// <summary>Something the caller tried to create exists.</summary>
    AlreadyExists = 6,

    /// <summary>The caller may not do this.</summary>
    PermissionDenied = 7,

    /// <summary>A resource ran out (a quota, or a message larger than allowed).</summary>
    ResourceExhausted = 8,

    /// <summary>The system is not in the state the operation needs.</summary>
    FailedPrecondition = 9,

    /// <summary>The operation was aborted (a concurrency conflict).</summary>
    Aborted = 10,

    /// <summary>The operation went past the valid range.</summary>
    OutOfRange = 11,

    /// <summary>The method is not implemented or not known.</summary>
    Unimplemented = 12,

    /// <summary>An invariant broke (a malformed frame, a message that does not parse).</summary>
    Internal = 13,

    /// <summary>The service is unavailable now; retrying may succeed.</summary>
    Unavailable = 14,

    /// <summary>Data was lost or corrupted.</summary>
    DataLoss = 15,

    /// <summary>The caller has no valid credentials.</summary>
    Unauthenticated = 16,
}
