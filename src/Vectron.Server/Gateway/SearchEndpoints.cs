using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Vectron.Server.Model;
using Vectron.Server.Placement;
using Vectron.Server.Worker;

namespace Vectron.Server.Gateway;

/// <summary>
/// <c>points/search</c>, <c>points/search/batch</c> and <c>points/query</c>: each search fans out to
/// every shard in parallel asking for offset + limit hits, merges them by score, then applies the offset.
/// </summary>
internal sealed class SearchEndpoints(CollectionRouter collections)
{
    /// <summary>The most searches one batch may carry.</summary>
    public const int MaxBatch = 1024;

    public void Map(WebApplication app, RestApi routes)
    {
        routes.Route(app, "POST", "/collections/{name}/points/search", Search);
        routes.Route(app, "POST", "/collections/{name}/points/search/batch", SearchBatch);
        routes.Route(app, "POST", "/collections/{name}/points/query", Query);
        routes.Route(app, "POST", "/collections/{name}/points/query/batch", QueryBatch);
    }

    private async Task Search(ApiCall call)
    {
        var collection = collections.Resolve(call.Route("name"));
        using var body = await call.ReadJsonAsync().ConfigureAwait(false);
        var request = SearchRequest.ParseSearch(body.RootElement, collection.Config, call.Context.Request.Query["consistency"]);
        var hits = await SearchAsync(collection, request, call.Aborted).ConfigureAwait(false);
        await call.OkAsync(writer => WriteHits(writer, hits)).ConfigureAwait(false);
    }

    private async Task SearchBatch(ApiCall call)
    {
        var results = await RunBatchAsync(call, SearchRequest.ParseSearch, "searches").ConfigureAwait(false);
        await call.OkAsync(writer =>
        {
            writer.WriteStartArray();
            foreach (var hits in results)
            {
                WriteHits(writer, hits);
            }
            writer.WriteEndArray();
        }).ConfigureAwait(false);
    }

    private async Task Query(ApiCall call)
    {
        var collection = collections.Resolve(call.Route("name"));
        using var body = await call.ReadJsonAsync().ConfigureAwait(false);
        var request = SearchRequest.ParseQuery(body.RootElement, collection.Config, call.Context.Request.Query["consistency"]);
        var hits = await SearchAsync(collection, request, call.Aborted).ConfigureAwait(false);
        await call.OkAsync(writer =>
        {
            writer.WriteStartObject();
            writer.WritePropertyName("points");
            WriteHits(writer, hits);
            writer.WriteEndObject();
        }).ConfigureAwait(false);
    }

    private async Task QueryBatch(ApiCall call)
    {
        var results = await RunBatchAsync(call, SearchRequest.ParseQuery, "queries").ConfigureAwait(false);
        await call.OkAsync(writer =>
        {
            writer.WriteStartArray();
            foreach (var hits in results)
            {
                writer.WriteStartObject();
                writer.WritePropertyName("points");
                WriteHits(writer, hits);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
        }).ConfigureAwait(false);
    }

    // search/batch and query/batch: the body's "searches" array parsed with the endpoint's own parser
    // (field paths prefixed "searches[i]."), then every search run in parallel.
    private async Task<List<ScoredPoint>[]> RunBatchAsync(ApiCall call,
        Func<JsonElement, CollectionConfig, string?, string, SearchRequest> parse, string noun)
    {
        var collection = collections.Resolve(call.Route("name"));
        using var body = await call.ReadJsonAsync().ConfigureAwait(false);
        var searches = JsonFields.Required(body.RootElement, "searches", "searches");
        if (searches.ValueKind != JsonValueKind.Array)
        {
            throw ApiException.BadField("searches", $"expected an array, not {JsonFields.Text(searches)}");
        }
        if (searches.GetArrayLength() > MaxBatch)
        {
            throw ApiException.BadField("searches", $"at most {MaxBatch} {noun} per batch");
        }
        var requests = new List<SearchRequest>();
        int i = 0;
        foreach (var search in searches.EnumerateArray())
        {
            requests.Add(parse(search, collection.Config, call.Context.Request.Query["consistency"], $"searches[{i++}]."));
        }
        return await Task.WhenAll(requests.Select(request => SearchAsync(collection, request, call.Aborted))).ConfigureAwait(false);
    }

    /// <summary>Runs one search over every shard and merges the answers.</summary>
    public async Task<List<ScoredPoint>> SearchAsync(CollectionRecord collection, SearchRequest request, CancellationToken cancellationToken)
    {
        await collections.BarrierAsync(collection, request.Mode, cancellationToken).ConfigureAwait(false);
        var vector = request.Vector;
        int extra = 0;
        if (request.ById is { } id)
        {
            int home = id.ShardOf(collection.ShardGroups.Length);
            var point = collections.Shard(collection, home).Get(id, PayloadSelector.None, withVector: true)
                ?? throw new ApiException(ApiErrorKind.NotFound, $"No point with id {id} found");
            vector = point.Vector!;
            extra = 1; // the point itself is left out of the answer
        }
        var shardSearch = new ShardSearch
        {
            Vector = vector!,
            Limit = request.Offset + request.Limit + extra,
            Filter = request.Filter,
            Ef = request.Ef,
            Exact = request.Exact,
            IgnoreQuantization = request.IgnoreQuantization,
            Rescore = request.Rescore,
            Oversampling = request.Oversampling,
            ScoreThreshold = request.ScoreThreshold,
            WithPayload = request.WithPayload,
            WithVector = request.WithVector,
        };
        // The barrier ran above; the shard reads themselves need no second one.
        var perShard = await collections.ReadAllAsync(collection, ReadMode.Any, (shard, _) => shard.Search(shardSearch), cancellationToken).ConfigureAwait(false);
        return ShardHits.Merge(perShard, collection.Config.Distance, request.Offset, request.Limit, request.ById);
    }

    private static void WriteHits(Utf8JsonWriter writer, List<ScoredPoint> hits)
    {
        writer.WriteStartArray();
        foreach (var hit in hits)
        {
            PointJson.Write(writer, hit);
        }
        writer.WriteEndArray();
    }
}
