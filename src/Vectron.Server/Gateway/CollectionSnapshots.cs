using System.Globalization;
using System.Security.Cryptography;
using Vectron.Raft.Hosting;
using Vectron.Server.Model;
using Vectron.Server.Node;
using Vectron.Server.Placement;
using Vectron.Server.Worker;
using Vectron.Storage.Files;

namespace Vectron.Server.Gateway;

/// <summary>
/// Collection snapshots (Qdrant's <c>/collections/{name}/snapshots</c>): files under
/// <c>{data}/collection-snapshots/{collection}/</c> in the format of <see cref="CollectionSnapshotFile"/>,
/// each with a <c>.sha256</c> sidecar holding its checksum. Recovering replaces the collection, all or
/// nothing: a hidden collection (<see cref="PlacementState.HiddenPrefix"/>) is created with the
/// snapshot's configuration and payload indexes, every point of every shard section is upserted
/// into it through Raft (replicated and durable like any write; the HNSW graphs are rebuilt by the
/// indexers), and only then one placement command (<see cref="ReplaceCollectionCommand"/>) gives it
/// the collection's name, retiring the old collection's groups.
/// </summary>
/// <remarks>
/// Until that command commits, the old collection is untouched and serves reads and writes (writes
/// made meanwhile are replaced with it). A failure deletes the hidden collection; after a crash the
/// node deletes it at its next start.
/// </remarks>
public sealed class CollectionSnapshots
{
    private const string Extension = ".snapshot";
    private const int RecoverBatch = 256;

    private readonly CollectionRouter _collections;
    private readonly string _root;

    /// <summary>Snapshots of <paramref name="collections"/>' node, in its data directory.</summary>
    public CollectionSnapshots(CollectionRouter collections)
    {
        ArgumentNullException.ThrowIfNull(collections);
        _collections = collections;
        _root = Path.Join(collections.Node.DataDirectory, "collection-snapshots");
    }

    /// <summary>One snapshot file as Qdrant describes it.</summary>
    public sealed record Description(string Name, DateTimeOffset Created, long Size, string? Checksum);

    /// <summary>Takes a snapshot of every shard (each on its apply lane, after a linearizable read index) and writes the file durably.</summary>
    public async Task<Description> CreateAsync(CollectionRecord collection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(collection);
        var now = _collections.Node.Options.TimeProvider.GetUtcNow();
        string directory = Path.Join(_root, collection.Name);
        PhysicalFileSystem.Instance.CreateDirectoryDurably(directory);
        string name = string.Create(CultureInfo.InvariantCulture, $"{collection.Name}-{now:yyyy-MM-dd-HH-mm-ss-fff}{Extension}");
        string path = Path.Join(directory, name);
        if (File.Exists(path))
        {
            throw new ApiException(ApiErrorKind.Conflict, $"snapshot {name} already exists; retry");
        }
        using var content = new MemoryStream();
        CollectionSnapshotFile.WriteHeader(content, new CollectionSnapshotFile.Header(collection.Name, now.ToUnixTimeMilliseconds(),
            collection.Config, collection.PayloadIndexes, collection.ShardGroups.Length));
        for (int shard = 0; shard < collection.ShardGroups.Length; shard++)
        {
            // Taken on the shard's apply lane, between applies, after every write acknowledged before the request
            // (linearizable): no apply waits for the shard's lock meanwhile, so searches are not held back.
            _collections.Shard(collection, shard); // 503/404 before anything is read
            var taken = await _collections.Node.LookupAsync(collection.ShardGroups[shard], ShardStateMachine.SnapshotQuery,
                ReadConsistency.Linearizable, cancellationToken).ConfigureAwait(false);
            if (!taken.IsOk)
            {
                throw ErrorMapping.FromRaft(taken.Outcome, $"snapshot of collection `{collection.Name}`");
            }
            CollectionSnapshotFile.WriteShard(content, taken.Value.Span);
        }
        var bytes = content.GetBuffer().AsMemory(0, (int)content.Length);
        string checksum = Convert.ToHexStringLower(SHA256.HashData(bytes.Span));
        WriteDurably(path, bytes);
        WriteDurably(path + ".sha256", System.Text.Encoding.ASCII.GetBytes(checksum));
        return new Description(name, now, bytes.Length, checksum);
    }

    /// <summary>The snapshots of a collection, oldest first.</summary>
    public IReadOnlyList<Description> List(string collection)
    {
        string directory = Path.Join(_root, collection);
        if (!Directory.Exists(directory))
        {
            return [];
        }
        var list = new List<Description>();
        foreach (string path in Directory.GetFiles(directory, "*" + Extension).Order(StringComparer.Ordinal))
        {
            var info = new FileInfo(path);
            string? checksum = File.Exists(path + ".sha256") ? File.ReadAllText(path + ".sha256").Trim() : null;
            list.Add(new Description(info.Name, new DateTimeOffset(info.LastWriteTimeUtc, TimeSpan.Zero), info.Length, checksum));
        }
        return list;
    }

    /// <summary>The file of a snapshot; 404 when there is none by that name.</summary>
    public string PathOf(string collection, string snapshot)
    {
        if (snapshot.Contains('/', StringComparison.Ordinal) || snapshot.Contains('\\', StringComparison.Ordinal) || snapshot.StartsWith('.') || !snapshot.EndsWith(Extension, StringComparison.Ordinal))
        {
            throw ApiException.BadField("snapshot_name", $"`{snapshot}` is not a snapshot name");
        }
        string path = Path.Join(_root, collection, snapshot);
        return File.Exists(path) ? path : throw new ApiException(ApiErrorKind.NotFound, $"Snapshot `{snapshot}` of collection `{collection}` doesn't exist!");
    }

    /// <summary>Deletes a snapshot file.</summary>
    public void Delete(string collection, string snapshot)
    {
        string path = PathOf(collection, snapshot);
        File.Delete(path);
        File.Delete(path + ".sha256");
    }

    /// <summary>
    /// Replaces (or creates) collection <paramref name="name"/> from a snapshot read from
    /// <paramref name="source"/>; a damaged file is a 400 and changes nothing.
    /// </summary>
    public async Task RecoverAsync(string name, Stream source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (PlacementStateMachine.ValidateName(name, "collection") is { } invalid)
        {
            throw new ApiException(invalid);
        }
        // Read and verify the whole file before changing anything.
        CollectionSnapshotFile.Header header;
        var shards = new List<byte[]>();
        try
        {
            header = CollectionSnapshotFile.ReadHeader(source);
            for (int shard = 0; shard < header.ShardCount; shard++)
            {
                shards.Add(CollectionSnapshotFile.ReadShard(source, shard));
            }
            if (source.ReadByte() != -1)
            {
                throw new InvalidDataException("collection snapshot has trailing bytes");
            }
        }
        catch (InvalidDataException e)
        {
            throw ApiException.BadField("snapshot", e.Message);
        }
        var node = _collections.Node;
        if (node.Placement.Current.Aliases.ContainsKey(name))
        {
            throw new ApiException(ApiErrorKind.Conflict, $"`{name}` is already an alias");
        }
        // Unique per attempt: concurrent recoveries of one name each build their own.
        string hidden = PlacementState.HiddenPrefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)) + ":" + name;
        await ProposeAsync(new CreateCollectionCommand(hidden, header.Config), cancellationToken).ConfigureAwait(false);
        try
        {
            foreach (var (field, schema) in header.PayloadIndexes)
            {
                await ProposeAsync(new SetPayloadIndexCommand(hidden, field, schema), cancellationToken).ConfigureAwait(false);
            }
            var collection = node.Placement.Current.Collections[hidden];
            foreach (var (field, schemaName) in header.PayloadIndexes)
            {
                if (PayloadSchemaTypes.TryParse(schemaName, out var schema))
                {
                    await _collections.BroadcastAsync(collection, new CreatePayloadIndex(field, schema), cancellationToken).ConfigureAwait(false);
                }
            }
            for (int shard = 0; shard < shards.Count; shard++)
            {
                await ReplayShardAsync(collection, header.Config, shard, shards[shard], cancellationToken).ConfigureAwait(false);
                shards[shard] = [];
            }
            // The switch: one placement command, so the name has either every recovered point or none.
            await ProposeAsync(new ReplaceCollectionCommand(hidden, name), cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await DropHiddenAsync(hidden).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Deletes a failed recovery's hidden collection; if this fails too, the node's next start does it.</summary>
    private async Task DropHiddenAsync(string hidden)
    {
        if (!_collections.Node.Placement.Current.Collections.ContainsKey(hidden))
        {
            return;
        }
        try
        {
            // Not the request's token: the request may have been cancelled, the cleanup should still run.
            await _collections.Node.ProposePlacementAsync(new DeleteCollectionCommand(hidden), CancellationToken.None).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Best effort: the original failure is what the client must see.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    private async Task ReplayShardAsync(CollectionRecord collection, CollectionConfig config, int shard, byte[] snapshot, CancellationToken cancellationToken)
    {
        var options = ShardFactory.OptionsFor(collection with { ShardConfig = config }, shard) with { BackgroundIndexing = false };
        using var machine = new ShardStateMachine(options);
        try
        {
            using var input = new MemoryStream(snapshot, writable: false);
            await machine.RestoreSnapshotAsync(input, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException e)
        {
            throw ApiException.BadField("snapshot", $"shard {shard}: {e.Message} (the collection is unchanged)");
        }
        PointId? offset = null;
        do
        {
            var page = machine.Scroll(offset, RecoverBatch, null, PayloadSelector.All, withVector: true);
            var perShard = new List<PointWrite>?[collection.ShardGroups.Length];
            foreach (var point in page.Points)
            {
                (perShard[point.Id.ShardOf(perShard.Length)] ??= []).Add(new PointWrite(point.Id, point.Vector!, point.Payload));
            }
            var commands = perShard.Select(list => list is null ? null : (ShardCommand)new UpsertPoints(list)).ToArray();
            await _collections.WriteAsync(collection, commands, cancellationToken).ConfigureAwait(false);
            offset = page.NextOffset;
        }
        while (offset is not null);
    }

    private async Task ProposeAsync(PlacementCommand command, CancellationToken cancellationToken)
    {
        var (raft, outcome) = await _collections.Node.ProposePlacementAsync(command, cancellationToken).ConfigureAwait(false);
        if (raft != RaftOutcome.Ok)
        {
            throw ErrorMapping.FromRaft(raft, "snapshot recovery");
        }
        if (!outcome.IsOk)
        {
            throw ErrorMapping.FromPlacement(outcome);
        }
    }

    private static void WriteDurably(string path, ReadOnlyMemory<byte> bytes)
    {
        var files = PhysicalFileSystem.Instance;
        string temporary = path + ".tmp";
        if (files.FileExists(temporary))
        {
            files.DeleteFile(temporary);
        }
        using (var file = files.OpenFile(temporary, FileOpenMode.CreateNew))
        {
            file.Write(0, bytes.Span);
            file.Sync();
        }
        files.Rename(temporary, path);
        files.SyncDirectory(Path.GetDirectoryName(path)!);
    }
}
