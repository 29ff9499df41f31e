namespace Vectron.Raft.Core;

/// <summary>What an entry's data holds.</summary>
public enum EntryType : byte
{
    /// <summary>An application command (empty data: the no-op a new leader appends).</summary>
    Normal = 0,
    /// <summary>A <see cref="ConfChange"/> in the encoding of <see cref="ConfChangeCodec"/>.</summary>
    ConfChange = 1,
}

/// <summary>One log entry. <see cref="Data"/> is owned by the entry and never mutated.</summary>
public readonly record struct Entry(ulong Index, ulong Term, EntryType Type, ReadOnlyMemory<byte> Data)
{
    /// <summary>Bytes counted against size limits (data plus a fixed header allowance).</summary>
    public long PayloadSize => Data.Length + 24;

    /// <inheritdoc />
    public override string ToString() => Type == EntryType.Normal
        ? $"{Term}/{Index} ({Data.Length} B)"
        : $"{Term}/{Index} conf {ConfChangeCodec.Decode(Data.Span)}";
}
