using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace Vectron.Server.Gateway;

/// <summary>Collection snapshots: create, list, download, delete, recover from an upload or a stored file.</summary>
internal sealed class SnapshotEndpoints(CollectionRouter collections, CollectionSnapshots snapshots, GatewayOptions options)
{
    public void Map(WebApplication app, RestApi routes)
    {
        routes.Route(app, "POST", "/collections/{name}/snapshots", Create);
        routes.Route(app, "GET", "/collections/{name}/snapshots", List);
        routes.Route(app, "GET", "/collections/{name}/snapshots/{snapshot_name}", Download);
        routes.Route(app, "DELETE", "/collections/{name}/snapshots/{snapshot_name}", Delete);
        routes.Route(app, "POST", "/collections/{name}/snapshots/upload", Upload);
        routes.Route(app, "PUT", "/collections/{name}/snapshots/recover", Recover);
    }

    private async Task Create(ApiCall call)
    {
        var collection = collections.Resolve(call.Route("name"));
        var description = await snapshots.CreateAsync(collection, call.Aborted).ConfigureAwait(false);
        await call.OkAsync(writer => Write(writer, description)).ConfigureAwait(false);
    }

    private Task List(ApiCall call)
    {
        var collection = collections.Resolve(call.Route("name"));
        var list = snapshots.List(collection.Name);
        return call.OkAsync(writer =>
        {
            writer.WriteStartArray();
            foreach (var description in list)
            {
                Write(writer, description);
            }
            writer.WriteEndArray();
        });
    }

    private async Task Download(ApiCall call)
    {
        var collection = collections.Resolve(call.Route("name"));
        string path = snapshots.PathOf(collection.Name, call.Route("snapshot_name"));
        var response = call.Context.Response;
        response.ContentType = "application/octet-stream";
        response.Headers.ContentDisposition = $"attachment; filename=\"{Path.GetFileName(path)}\"";
        await response.SendFileAsync(path, call.Aborted).ConfigureAwait(false);
    }

    private async Task Delete(ApiCall call)
    {
        var collection = collections.Resolve(call.Route("name"));
        call.QueryFlag("wait", true);
        snapshots.Delete(collection.Name, call.Route("snapshot_name"));
        await call.OkTrueAsync().ConfigureAwait(false);
    }

    /// <summary>The body is the snapshot file, raw or as the <c>snapshot</c> field of a multipart form (Qdrant's clients).</summary>
    private async Task Upload(ApiCall call)
    {
        string name = call.Route("name");
        call.QueryFlag("wait", true);
        var context = call.Context;
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = options.MaxSnapshotUploadBytes;
        }
        string temporary = snapshots.UploadPath();
        Directory.CreateDirectory(Path.GetDirectoryName(temporary)!);
        try
        {
            var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose);
            await using (file.ConfigureAwait(false))
            {
                await CopyUploadAsync(context, file, call.Aborted).ConfigureAwait(false);
                file.Position = 0;
                await snapshots.RecoverAsync(name, file, call.Aborted).ConfigureAwait(false);
            }
        }
        finally
        {
            File.Delete(temporary);
        }
        await call.OkTrueAsync().ConfigureAwait(false);
    }

    private async Task Recover(ApiCall call)
    {
        string name = call.Route("name");
        using var body = await call.ReadJsonAsync().ConfigureAwait(false);
        string location = JsonFields.RequiredString(body.RootElement, "location", "location");
        string root = Path.GetFullPath(Path.Join(collections.Node.DataDirectory, "collection-snapshots")) + Path.DirectorySeparatorChar;
        string path = location.StartsWith("file://", StringComparison.Ordinal) ? new Uri(location).LocalPath : Path.Join(root, name, location);
        path = Path.GetFullPath(path);
        if (!path.StartsWith(root, StringComparison.Ordinal))
        {
            throw ApiException.BadField("location", $"only snapshots under {root} can be recovered by location (upload others)");
        }
        if (!File.Exists(path))
        {
            throw new ApiException(ApiErrorKind.NotFound, $"snapshot file {location} doesn't exist");
        }
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        await using (file.ConfigureAwait(false))
        {
            await snapshots.RecoverAsync(name, file, call.Aborted).ConfigureAwait(false);
        }
        await call.OkTrueAsync().ConfigureAwait(false);
    }

    private static async Task CopyUploadAsync(HttpContext context, Stream destination, CancellationToken cancellationToken)
    {
        var request = context.Request;
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var contentType) || !contentType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            await request.Body.CopyToAsync(destination, cancellationToken).ConfigureAwait(false);
            return;
        }
        string boundary = HeaderUtilities.RemoveQuotes(contentType.Boundary).Value
            ?? throw ApiException.BadField("Content-Type", "multipart/form-data without a boundary");
        var reader = new MultipartReader(boundary, request.Body);
        while (await reader.ReadNextSectionAsync(cancellationToken).ConfigureAwait(false) is { } section)
        {
            if (ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
                && disposition.Name.Value?.Trim('"') == "snapshot")
            {
                await section.Body.CopyToAsync(destination, cancellationToken).ConfigureAwait(false);
                return;
            }
        }
        throw ApiException.BadField("snapshot", "the multipart form has no `snapshot` file field");
    }

    private static void Write(System.Text.Json.Utf8JsonWriter writer, CollectionSnapshots.Description description)
    {
        writer.WriteStartObject();
        writer.WriteString("name", description.Name);
        writer.WriteString("creation_time", description.Created.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture));
        writer.WriteNumber("size", description.Size);
        if (description.Checksum is { } checksum)
        {
            writer.WriteString("checksum", checksum);
        }
        else
        {
            writer.WriteNull("checksum");
        }
        writer.WriteEndObject();
    }
}
