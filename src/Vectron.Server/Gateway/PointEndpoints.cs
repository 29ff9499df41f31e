using Microsoft.AspNetCore.Builder;
using Vectron.Server.Model;
using Vectron.Server.Placement;
using Vectron.Server.Worker;

namespace Vectron.Server.Gateway;

/// <summary>Points: upsert, get, delete, payload changes, count, scroll.</summary>
internal sealed class PointEndpoints(CollectionRouter collections)
{
    /// <summary>The largest page or id list a read request may ask for.</summary>
    public const int MaxLimit = 100_000;

    public void Map(WebApplication app, RestApi routes)
    {
        routes.Route(app, "PUT", "/collections/{name}/points", Upsert);
        routes.Route(app, "POST", "/collections/{name}/points", GetMany);
        routes.Route(app, "GET", "/collections/{name}/points/{id}", GetOne);
        routes.Route(app, "POST", "/collections/{name}/points/delete", Delete);
        routes.Route(app, "POST", "/collections/{name}/points/payload", SetPayload);
        routes.Route(app, "PUT", "/collections/{name}/points/payload", OverwritePayload);
        routes.Route(app, "POST", "/collections/{name}/points/payload/delete", DeletePayload);
        routes.Route(app, "POST", "/collections/{name}/points/payload/clear", ClearPayload);
        routes.Route(app, "POST", "/collections/{name}/points/count", Count);
        routes.Route(app, "POST", "/collections/{name}/points/scroll", Scroll);
    }

    private async Task Upsert(ApiCall call)
    {
        var collection = collections.Resolve(call.Route("name"));
        bool wait = call.QueryFlag("wait", false);
        using var body = await call.ReadJsonAsync().ConfigureAwait(false);
        var points = PointRequests.Upsert(body.RootElement, collection.Config);
        int shards = collection.ShardGroups.Length;
        var perShard = new List<PointWrite>?[shards];
        foreach (var point in points)
        {
            int shard = point.Id.ShardOf(shards);
            (perShard[shard] ??= []).Add(point);
        }
        var commands = new ShardCommand?[shards];
        for (int i = 0; i < shards; i++)
        {
            commands[i] = perShard[i] is { } list ? new UpsertPoints(list) : null;
        }
        await collections.WriteAsync(collection, commands, call.Aborted).ConfigureAwait(false);
        await collections.WriteUpdateResultAsync(call, wait).ConfigureAwait(false);
    }

    private async Task GetOne(ApiCall call)
    {
        var collection = collections.Resolve(call.Route("name"));
        string text = call.Route("id");
        PointId id = ulong.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out ulong number)
            ? PointId.FromNumber(number)
            : Guid.TryParse(text, out var uuid) ? PointId.FromUuid(uuid) : throw ApiException.BadField("id", $"`{text}` is neither an unsigned integer nor a UUID");
        var mode = ReadModes.Parse(default, call.Context.Request.Query["consistency"]);
        int shard = id.ShardOf(collection.ShardGroups.Length);
        await collections.BarrierAsync(collection, mode, call.Aborted).ConfigureAwait(false);
        var point = collections.Shard(collection, shard).Get(id, PayloadSelector.All, withVector: true)
            ?? throw new ApiException(ApiErrorKind.NotFound, $"No point with id {id} found");
        await call.OkAsync(writer => PointJson.Write(writer, point)).ConfigureAwait(false);
    }

    private async Task GetMany(ApiCall call)
    {
        var collection = collections.Resolve(call.Route("name"));
        using var body = await call.ReadJsonAsync().ConfigureAwait(false);
        var root = body.RootElement;
        var ids = PointRequests.Ids(JsonFields.Required(root, "ids", "ids"), "ids");
        if (ids.Count > MaxLimit)
        {
            throw ApiException.BadField("ids", $"at most {MaxLimit} ids per request");
        }
        var withPayload = PointRequests.WithPayload(root, defaultValue: true);
        bool withVector = PointRequests.WithVector(root, defaultValue: false);
        var mode = ReadModes.Parse(root, call.Context.Request.Query["consistency"]);
        int shards = collection.ShardGroups.Length;
        var perShard = new List<PointId>[shards];
        for (int i = 0; i < shards; i++)
        {
            perShard[i] = [];
        }
        foreach (var id in ids)
        {
            perShard[id.ShardOf(shards)].Add(id);
        }
        var found = await collections.ReadAllAsync(collection, mode,
            (shard, index) => shard.Get(perShard[index], withPayload, withVector), call.Aborted).ConfigureAwait(false);
        var byId = new Dictionary<PointId, PointRecord>();
        foreach (var list in found)
        {
            foreach (var record in list)
            {
                byId[record.Id] = record;
            }
        }
        await call.OkAsync(writer =>
        {
            writer.WriteStartArray();
            foreach (var id in ids)
            {
                if (byId.TryGetValue(id, out var record))
                {
                    PointJson.Write(writer, record);
                }
            }
            writer.WriteEndArray();
        }).ConfigureAwait(false);
    }

    private async Task Delete(ApiCall call)
    {
        var collection = collections.Resolve(call.Route("name"));
        bool wait = call.QueryFlag("wait", false);
        using var body = await call.ReadJsonAsync().ConfigureAwait(false);
        var selector = PointRequests.Selector(body.RootElement);
        if (selector.Filter is { } filter)
        {
            await collections.BroadcastAsync(collection, new DeletePointsByFilter(filter), call.Aborted).ConfigureAwait(false);
        }
        else
        {
            var commands = SplitIds(collection, selector.Ids!, ids => new DeletePoints(ids));
            await collections.WriteAsync(collection, commands, call.Aborted).ConfigureAwait(false);
        }
        await collections.WriteUpdateResultAsync(call, wait).ConfigureAwait(false);
    }

    private async Task SetPayload(ApiCall call)
    {
        var collection = collections.Resolve(call.Route("name"));
        bool wait = call.QueryFlag("wait", false);
        using var body = await call.ReadJsonAsync().ConfigureAwait(false);
        var root = body.RootElement;
        var payload = PointRequests.Payload(JsonFields.Required(root, "payload", "payload"), "payload")!.Value;
        string? key = JsonFields.OptionalString(root, "key", "key");
        var selector = PointRequests.Selector(root);
        await WriteSelectedAsync(call, collection, selector, wait, s => new SetPayload(s, payload, key)).ConfigureAwait(false);
    }

    private async Task OverwritePayload(ApiCall call)
    {
        var collection = collections.Resolve(call.Route("name"));
        bool wait = call.QueryFlag("wait", false);
        using var body = await call.ReadJsonAsync().ConfigureAwait(false);
        var root = body.RootElement;
        var payload = PointRequests.Payload(JsonFields.Required(root, "payload", "payload"), "payload")!.Value;
        var selector = PointRequests.Selector(root);
        await WriteSelectedAsync(call, collection, selector, wait, s => new OverwritePayload(s, payload)).ConfigureAwait(false);
    }

    private async Task DeletePayload(ApiCall call)
    {
        var collection = collections.Resolve(call.Route("name"));
        bool wait = call.QueryFlag("wait", false);
        using var body = await call.ReadJsonAsync().ConfigureAwait(false);
        var root = body.RootElement;
        var keysJson = JsonFields.Required(root, "keys", "keys");
        if (keysJson.ValueKind != System.Text.Json.JsonValueKind.Array)
        {
            throw ApiException.BadField("keys", $"expected an array of strings, not {JsonFields.Text(keysJson)}");
        }
        var keys = new List<string>();
        int i = 0;
        foreach (var key in keysJson.EnumerateArray())
        {
            keys.Add(key.ValueKind == System.Text.Json.JsonValueKind.String ? key.GetString()! : throw ApiException.BadField($"keys[{i}]", "expected a string"));
            i++;
        }
        var selector = PointRequests.Selector(root);
        await WriteSelectedAsync(call, collection, selector, wait, s => new DeletePayloadKeys(s, keys)).ConfigureAwait(false);
    }

    private async Task ClearPayload(ApiCall call)
    {
        var collection = collections.Resolve(call.Route("name"));
        bool wait = call.QueryFlag("wait", false);
        using var body = await call.ReadJsonAsync().ConfigureAwait(false);
        var selector = PointRequests.Selector(body.RootElement);
        await WriteSelectedAsync(call, collection, selector, wait, s => new ClearPayload(s)).ConfigureAwait(false);
    }

    private async Task Count(ApiCall call)
    {
        var collection = collections.Resolve(call.Route("name"));
        using var body = await call.ReadJsonAsync().ConfigureAwait(false);
        var root = body.RootElement;
        var filter = PointRequests.Filter(root);
        JsonFields.OptionalBool(root, "exact", "exact");
        var mode = ReadModes.Parse(root, call.Context.Request.Query["consistency"]);
        var counts = await collections.ReadAllAsync(collection, mode, (shard, _) => shard.Count(filter), call.Aborted).ConfigureAwait(false);
        long total = counts.Sum();
        await call.OkAsync(writer =>
        {
            writer.WriteStartObject();
            writer.WriteNumber("count", total);
            writer.WriteEndObject();
        }).ConfigureAwait(false);
    }

    private async Task Scroll(ApiCall call)
    {
        var collection = collections.Resolve(call.Route("name"));
        using var body = await call.ReadJsonAsync().ConfigureAwait(false);
        var root = body.RootElement;
        var filter = PointRequests.Filter(root);
        int limit = (int)(JsonFields.OptionalInt(root, "limit", "limit", 1, MaxLimit) ?? 10);
        PointId? offset = JsonFields.Optional(root, "offset") is { } offsetJson ? PointRequests.Id(offsetJson, "offset") : null;
        if (JsonFields.Optional(root, "order_by") is not null)
        {
            throw ApiException.BadField("order_by", "ordering by a payload field is not supported; scroll pages are in id order");
        }
        var withPayload = PointRequests.WithPayload(root, defaultValue: true);
        bool withVector = PointRequests.WithVector(root, defaultValue: false);
        var mode = ReadModes.Parse(root, call.Context.Request.Query["consistency"]);
        var pages = await collections.ReadAllAsync(collection, mode, (shard, _) => shard.Scroll(offset, limit, filter, withPayload, withVector), call.Aborted)
            .ConfigureAwait(false);
        var (points, next) = MergePages(pages, limit);
        await call.OkAsync(writer =>
        {
            writer.WriteStartObject();
            writer.WriteStartArray("points");
            foreach (var point in points)
            {
                PointJson.Write(writer, point);
            }
            writer.WriteEndArray();
            writer.WritePropertyName("next_page_offset");
            if (next is { } nextId)
            {
                nextId.WriteTo(writer);
            }
            else
            {
                writer.WriteNullValue();
            }
            writer.WriteEndObject();
        }).ConfigureAwait(false);
    }

    /// <summary>
    /// Merges per-shard pages (each in id order, each up to <paramref name="limit"/>) into the first
    /// <paramref name="limit"/> points overall; the next offset is the smallest id not returned:
    /// a shard's point left over, or a shard's own next offset.
    /// </summary>
    public static (List<PointRecord> Points, PointId? Next) MergePages(IReadOnlyList<ScrollPage> pages, int limit)
    {
        ArgumentNullException.ThrowIfNull(pages);
        var all = new List<PointRecord>();
        PointId? next = null;
        foreach (var page in pages)
        {
            all.AddRange(page.Points);
            if (page.NextOffset is { } shardNext && (next is null || shardNext < next.Value))
            {
                next = shardNext;
            }
        }
        all.Sort(static (a, b) => a.Id.CompareTo(b.Id));
        if (all.Count > limit)
        {
            var firstLeft = all[limit].Id;
            if (next is null || firstLeft < next.Value)
            {
                next = firstLeft;
            }
            all.RemoveRange(limit, all.Count - limit);
        }
        return (all, next);
    }

    private async Task WriteSelectedAsync(ApiCall call, CollectionRecord collection, PointSelector selector, bool wait, Func<PointSelector, ShardCommand> create)
    {
        if (selector.Filter is not null)
        {
            await collections.BroadcastAsync(collection, create(selector), call.Aborted).ConfigureAwait(false);
        }
        else
        {
            var commands = SplitIds(collection, selector.Ids!, ids => create(PointSelector.ForIds(ids)));
            await collections.WriteAsync(collection, commands, call.Aborted).ConfigureAwait(false);
        }
        await collections.WriteUpdateResultAsync(call, wait).ConfigureAwait(false);
    }

    private static ShardCommand?[] SplitIds(CollectionRecord collection, IReadOnlyList<PointId> ids, Func<List<PointId>, ShardCommand> create)
    {
        int shards = collection.ShardGroups.Length;
        var perShard = new List<PointId>?[shards];
        foreach (var id in ids)
        {
            int shard = id.ShardOf(shards);
            (perShard[shard] ??= []).Add(id);
        }
        var commands = new ShardCommand?[shards];
        for (int i = 0; i < shards; i++)
        {
            commands[i] = perShard[i] is { } list ? create(list) : null;
        }
        return commands;
    }
}
