namespace Vectron.Storage.Log;

/// <summary>One entry of a group's log: its Raft index and term and an opaque payload.</summary>
/// <param name="Index">The entry's position in its group's log (1-based, contiguous).</param>
/// <param name="Term">The Raft term the entry was created in.</param>
/// <param name="Data">The payload; the log engine never interprets it.</param>
public readonly record struct LogEntry(ulong Index, ulong Term, ReadOnlyMemory<byte> Data);

/// <summary>The Raft state a group must persist before it answers a message: current term, vote and commit index.</summary>
/// <param name="Term">The current term.</param>
/// <param name="Vote">The node voted for in <paramref name="Term"/>, or 0.</param>
/// <param name="Commit">The highest index known to be committed.</param>
public readonly record struct HardState(ulong Term, ulong Vote, ulong Commit);

/// <summary>What the engine holds for one group.</summary>
/// <param name="GroupId">The group.</param>
/// <param name="FirstIndex">The first retained index (compacted index + 1).</param>
/// <param name="LastIndex">The last index; <c>LastIndex = FirstIndex - 1</c> when no entry is retained.</param>
/// <param name="CompactedIndex">The last index dropped by compaction (the snapshot's index), or 0.</param>
/// <param name="CompactedTerm">The term of <paramref name="CompactedIndex"/>, or 0.</param>
/// <param name="HardState">The persisted hard state.</param>
public readonly record struct LogGroupInfo(ulong GroupId, ulong FirstIndex, ulong LastIndex, ulong CompactedIndex, ulong CompactedTerm, HardState HardState);
