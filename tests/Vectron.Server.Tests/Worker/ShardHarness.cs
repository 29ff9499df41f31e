using System.Text.Json;
using Vectron.Raft.Hosting;
using Vectron.Server.Model;
using Vectron.Server.Worker;

namespace Vectron.Server.Tests.Worker;

/// <summary>A shard with manual indexing, fed commands through the codec as the Raft host would.</summary>
internal sealed class ShardHarness : IDisposable
{
    private ulong _index;

    public ShardHarness(ShardOptions options)
    {
        Shard = new ShardStateMachine(options with { BackgroundIndexing = false });
    }

    public ShardHarness(int dimension, ShardDistance metric = ShardDistance.Cosine, int exactThreshold = 0)
        : this(new ShardOptions { Dimension = dimension, Metric = metric, ExactSearchThreshold = exactThreshold, M = 8, EfConstruct = 64 })
    {
    }

    public ShardStateMachine Shard { get; }

    public ulong LastIndex => _index;

    /// <summary>Continues numbering after <paramref name="lastIndex"/> (a shard restored from a snapshot taken there).</summary>
    public void ContinueAfter(ulong lastIndex) => _index = lastIndex;

    public static JsonElement Json(string text)
    {
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    public static PointId Id(ulong number) => PointId.FromNumber(number);

    public ShardCommandResult Apply(ShardCommand command) => ApplyBytes(ShardCommandCodec.Encode(command));

    public ShardCommandResult ApplyBytes(byte[] bytes)
    {
        var results = new ReadOnlyMemory<byte>[1];
        Shard.Apply([new StateMachineCommand(++_index, bytes)], results);
        return ShardCommandCodec.DecodeResult(results[0].Span);
    }

    public ShardCommandResult Upsert(params (ulong Id, float[] Vector, string? Payload)[] points) =>
        Apply(new UpsertPoints(points.Select(p => new PointWrite(Id(p.Id), p.Vector, p.Payload is null ? null : Json(p.Payload))).ToList()));

    public IReadOnlyList<ScoredPoint> Search(float[] vector, int limit = 10, string? filter = null, bool exact = false, float? threshold = null) =>
        Shard.Search(new ShardSearch
        {
            Vector = vector,
            Limit = limit,
            Filter = filter is null ? null : Filter.Parse(filter),
            Exact = exact,
            ScoreThreshold = threshold,
            WithPayload = PayloadSelector.All,
        });

    public void Dispose() => Shard.Dispose();
}
