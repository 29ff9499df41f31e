using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Vectron.Raft.Hosting;
using Vectron.Server.Gateway;
using Vectron.Server.Model;
using Vectron.Server.Placement;

namespace Vectron.Server.Tests.Gateway;

public sealed class ErrorMappingTests
{
    [Theory]
    [InlineData(ApiErrorKind.BadRequest, 400)]
    [InlineData(ApiErrorKind.NotFound, 404)]
    [InlineData(ApiErrorKind.Conflict, 409)]
    [InlineData(ApiErrorKind.TooLarge, 413)]
    [InlineData(ApiErrorKind.Unavailable, 503)]
    [InlineData(ApiErrorKind.Internal, 500)]
    public void EveryKind_HasItsStatus(ApiErrorKind kind, int status) => Assert.Equal(status, ErrorMapping.StatusCode(kind));

    [Fact]
    public void Exceptions_AreClassified()
    {
        Assert.Equal(ApiErrorKind.BadRequest, ErrorMapping.Classify(RequestException.At("filter.must[0]", "bad")).Kind);
        Assert.Equal(ApiErrorKind.BadRequest, ErrorMapping.Classify(new JsonException("x")).Kind);
        Assert.Equal(ApiErrorKind.TooLarge, ErrorMapping.Classify(new BadHttpRequestException("big", StatusCodes.Status413PayloadTooLarge)).Kind);
        Assert.Equal(ApiErrorKind.NotFound, ErrorMapping.Classify(new ObjectDisposedException("shard")).Kind);
        Assert.Equal(ApiErrorKind.Unavailable, ErrorMapping.Classify(new OperationCanceledException()).Kind);
        var (kind, message) = ErrorMapping.Classify(new InvalidOperationException("boom"));
        Assert.Equal(ApiErrorKind.Internal, kind);
        Assert.Contains("boom", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(RaftOutcome.UnknownGroup, ApiErrorKind.NotFound)]
    [InlineData(RaftOutcome.Timeout, ApiErrorKind.Unavailable)]
    [InlineData(RaftOutcome.Stopped, ApiErrorKind.Unavailable)]
    [InlineData(RaftOutcome.NotLeader, ApiErrorKind.Unavailable)]
    [InlineData(RaftOutcome.Busy, ApiErrorKind.Unavailable)]
    public void RaftOutcomes_MapToKinds(RaftOutcome outcome, ApiErrorKind expected) =>
        Assert.Equal(expected, ErrorMapping.FromRaft(outcome, "write").Kind);

    [Theory]
    [InlineData(PlacementStatus.NotFound, ApiErrorKind.NotFound)]
    [InlineData(PlacementStatus.Conflict, ApiErrorKind.Conflict)]
    [InlineData(PlacementStatus.Invalid, ApiErrorKind.BadRequest)]
    public void PlacementRefusals_MapToKinds(PlacementStatus status, ApiErrorKind expected) =>
        Assert.Equal(expected, ErrorMapping.FromPlacement(new PlacementOutcome(status, "why", 3)).Kind);
}
