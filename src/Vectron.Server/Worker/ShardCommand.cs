namespace Vectron.Server.Worker;

/// <summary>
/// A write to one shard, proposed to its Raft group as the bytes of <see cref="ShardCommandCodec.Encode"/>.
/// A command applies wholly or not at all.
/// </summary>
public abstract record ShardCommand
{
    /// <summary>The kind byte of the encoding.</summary>
    public abstract ShardCommandKind Kind { get; }
}
