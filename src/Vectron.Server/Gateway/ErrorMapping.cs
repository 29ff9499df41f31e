using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Vectron.Raft.Hosting;
using Vectron.Server.Model;
using Vectron.Server.Placement;

namespace Vectron.Server.Gateway;

/// <summary>The one place where failures become HTTP answers: exception → (kind, message) → status code.</summary>
public static class ErrorMapping
{
    /// <summary>The HTTP status of an error kind.</summary>
    public static int StatusCode(ApiErrorKind kind) => kind switch
    {
        ApiErrorKind.BadRequest => StatusCodes.Status400BadRequest,
        ApiErrorKind.NotFound => StatusCodes.Status404NotFound,
        ApiErrorKind.Conflict => StatusCodes.Status409Conflict,
        ApiErrorKind.TooLarge => StatusCodes.Status413PayloadTooLarge,
        ApiErrorKind.Unavailable => StatusCodes.Status503ServiceUnavailable,
        _ => StatusCodes.Status500InternalServerError,
    };

    /// <summary>Classifies an exception a handler threw.</summary>
    public static (ApiErrorKind Kind, string Message) Classify(Exception exception) => exception switch
    {
        ApiException api => (api.Kind, api.Message),
        RequestException request => (ApiErrorKind.BadRequest, request.Message),
        JsonException json => (ApiErrorKind.BadRequest, $"malformed JSON: {json.Message}"),
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => (ApiErrorKind.TooLarge, "request body is over the size limit"),
        BadHttpRequestException bad => (ApiErrorKind.BadRequest, bad.Message),
        ObjectDisposedException => (ApiErrorKind.NotFound, "the collection was deleted while the request ran"),
        OperationCanceledException => (ApiErrorKind.Unavailable, "the request was cancelled (server stopping or client gone)"),
        _ => (ApiErrorKind.Internal, $"internal error: {exception.GetType().Name}: {exception.Message}"),
    };

    /// <summary>The error for a Raft operation that did not succeed.</summary>
    public static ApiException FromRaft(RaftOutcome outcome, string what) => outcome switch
    {
        RaftOutcome.UnknownGroup => new ApiException(ApiErrorKind.NotFound, $"{what}: the shard group does not run on this node (collection deleted?)"),
        RaftOutcome.Timeout => new ApiException(ApiErrorKind.Unavailable, $"{what}: timed out waiting for Raft; a write may still apply"),
        RaftOutcome.Stopped => new ApiException(ApiErrorKind.Unavailable, $"{what}: the server is stopping"),
        _ => new ApiException(ApiErrorKind.Unavailable, $"{what}: no leader or overloaded ({outcome}); retry"),
    };

    /// <summary>The error for a refused placement command.</summary>
    public static ApiException FromPlacement(PlacementOutcome outcome) => outcome.Status switch
    {
        PlacementStatus.NotFound => new ApiException(ApiErrorKind.NotFound, outcome.Message),
        PlacementStatus.Conflict => new ApiException(ApiErrorKind.Conflict, outcome.Message),
        _ => new ApiException(ApiErrorKind.BadRequest, outcome.Message),
    };
}
