using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Vectron.Server.Node;

namespace Vectron.Server.Gateway;

/// <summary>The route table: every endpoint, each wrapped so that any failure is answered through <see cref="ErrorMapping"/>.</summary>
internal sealed class RestApi : IDisposable
{
    private readonly VectronNode _node;
    private readonly ILogger _logger;
    private readonly List<(string Method, string Pattern)> _routes = [];

    public RestApi(VectronNode node, GatewayOptions options, ILoggerFactory loggerFactory)
    {
        _node = node;
        Options = options;
        _logger = loggerFactory.CreateLogger<RestApi>();
        Collections = new CollectionRouter(node, options.ReadConcurrency);
    }

    public GatewayOptions Options { get; }

    /// <inheritdoc />
    public void Dispose() => Collections.Dispose();

    public CollectionRouter Collections { get; }

    /// <summary>Every mapped (method, pattern), for the OpenAPI document.</summary>
    public IReadOnlyList<(string Method, string Pattern)> Routes => _routes;

    public void Map(WebApplication app)
    {
        new ServiceEndpoints(_node, this).Map(app, this);
        new CollectionEndpoints(_node, Collections).Map(app, this);
        new AliasEndpoints(_node).Map(app, this);
        new PointEndpoints(Collections).Map(app, this);
        new SearchEndpoints(Collections).Map(app, this);
        var snapshots = new CollectionSnapshots(Collections);
        // Before the first request: no upload or snapshot write can be under way.
        snapshots.RemoveInterruptedFiles();
        new SnapshotEndpoints(Collections, snapshots, Options).Map(app, this);
        app.MapFallback(context => Run(context, call =>
            throw new ApiException(ApiErrorKind.NotFound, $"unknown endpoint {context.Request.Method} {context.Request.Path}")));
    }

    /// <summary>Maps one endpoint.</summary>
    public void Route(IEndpointRouteBuilder app, string method, string pattern, Func<ApiCall, Task> handler)
    {
        _routes.Add((method, pattern));
        app.MapMethods(pattern, [method], context => Run(context, handler));
    }

    private async Task Run(HttpContext context, Func<ApiCall, Task> handler)
    {
        var call = new ApiCall(context, _node.Options.TimeProvider);
        try
        {
            await handler(call).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Every failure becomes an answer; bugs are logged with their stack.
        catch (Exception e)
#pragma warning restore CA1031
        {
            var (kind, message) = ErrorMapping.Classify(e);
            if (kind == ApiErrorKind.Internal)
            {
                GatewayLog.RequestFailed(_logger, e, context.Request.Method, context.Request.Path.Value ?? "");
            }
            if (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
            {
                context.Response.Clear();
                await call.ErrorAsync(kind, message).ConfigureAwait(false);
            }
        }
    }
}
