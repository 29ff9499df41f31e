using Vectron.Raft.Core;
using Vectron.Raft.Hosting;

namespace Vectron.Rpc.Raft;

/// <summary>
/// The receiving side of snapshot streams: appends verified chunks per (sender, group) in offset order, remembers how
/// far each stream got so a broken stream resumes there (on a new call), and hands back the whole payload as one
/// <see cref="SnapshotChunk"/> (offset 0, last) when the last chunk arrives. Resume is thereby invisible to the host.
/// </summary>
/// <remarks>
/// Thread-safe (one lock; a stream's chunks come from one call at a time, but a retry may race the call it replaces).
/// A stream is identified like the host does: the sender's term and the snapshot's index and term (one payload per
/// point). One assembly is kept per (sender, group): a stream starting at offset 0 replaces it, so a stream the
/// sender gave up on lives only until that group's next snapshot from that sender.
/// </remarks>
internal sealed class SnapshotAssembler
{
    // Initial buffer capacity is capped: the announced length is the sender's word; the buffer grows as data arrives.
    private const int MaxInitialCapacity = 64 << 20;
    private readonly Lock _lock = new();
    private readonly Dictionary<(ulong From, ulong Group), Assembly> _assemblies = [];

    /// <summary>The stream a snapshot message belongs to.</summary>
    public static StreamId StreamOf(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return new StreamId(message.Term, message.Snapshot?.Index ?? 0, message.Snapshot?.Term ?? 0);
    }

    /// <summary>
    /// Appends one chunk (its checksum already verified). Returns the assembled snapshot when this chunk completed it,
    /// else null.
    /// </summary>
    /// <exception cref="RpcException">
    /// <see cref="RpcStatusCode.OutOfRange"/>: the offset is not where this stream continues (the sender asks where to
    /// resume); <see cref="RpcStatusCode.InvalidArgument"/>: the lengths do not add up.
    /// </exception>
    public SnapshotChunk? Accept(ulong from, ulong groupId, Message message, long offset, ReadOnlySpan<byte> data, bool last, long totalLength)
    {
        ArgumentNullException.ThrowIfNull(message);
        var id = StreamOf(message);
        if (totalLength < 0 || totalLength > Array.MaxLength)
        {
            throw new RpcException(RpcStatusCode.InvalidArgument, $"snapshot of group {groupId}: total length {totalLength} cannot be assembled");
        }

        lock (_lock)
        {
            var key = (from, groupId);
            _assemblies.TryGetValue(key, out var assembly);
            if (offset == 0)
            {
                // A new stream (or the same snapshot sent again, say after the host dropped it): start over.
                assembly = new Assembly(id, message, totalLength);
                _assemblies[key] = assembly;
            }
            else if (assembly is null || assembly.Id != id || assembly.Buffer is null || assembly.Received != offset)
            {
                long expected = assembly is not null && assembly.Id == id ? assembly.Received : 0;
                throw new RpcException(RpcStatusCode.OutOfRange, $"snapshot of group {groupId} from node {from}: chunk at offset {offset}, the stream continues at {expected}");
            }

            if (totalLength != assembly.Total || assembly.Received + data.Length > assembly.Total)
            {
                throw new RpcException(RpcStatusCode.InvalidArgument,
                    $"snapshot of group {groupId}: chunk [{offset}, {offset + data.Length}) does not fit a payload of {assembly.Total} bytes (announced {totalLength})");
            }

            assembly.Buffer!.Write(data);
            assembly.Received += data.Length;
            if (!last)
            {
                return null;
            }

            if (assembly.Received != assembly.Total)
            {
                throw new RpcException(RpcStatusCode.InvalidArgument, $"snapshot of group {groupId}: the last chunk ends at {assembly.Received} of {assembly.Total} bytes");
            }

            var buffer = assembly.Buffer;
            assembly.Buffer = null;
            ReadOnlyMemory<byte> payload = buffer.TryGetBuffer(out var segment) ? segment.AsMemory() : buffer.ToArray();
            return new SnapshotChunk(groupId, assembly.Message, 0, payload, IsLast: true);
        }
    }

    /// <summary>How many bytes of the stream <paramref name="id"/> from <paramref name="from"/> the receiver holds (0 when it knows no such stream).</summary>
    public long ResumeOffset(ulong from, ulong groupId, StreamId id)
    {
        lock (_lock)
        {
            return _assemblies.TryGetValue((from, groupId), out var assembly) && assembly.Id == id ? assembly.Received : 0;
        }
    }

    /// <summary>Identifies a snapshot stream.</summary>
    /// <param name="Term">The sender's term.</param>
    /// <param name="Index">The snapshot's index.</param>
    /// <param name="SnapshotTerm">The snapshot's term.</param>
    public readonly record struct StreamId(ulong Term, ulong Index, ulong SnapshotTerm);

    private sealed class Assembly(StreamId id, Message message, long total)
    {
        public StreamId Id { get; } = id;

        public Message Message { get; } = message;

        public long Total { get; } = total;

        public long Received { get; set; }

        /// <summary>The bytes so far; null once the payload was handed over (Received then equals Total).</summary>
        public MemoryStream? Buffer { get; set; } = new((int)Math.Min(total, MaxInitialCapacity));
    }
}
