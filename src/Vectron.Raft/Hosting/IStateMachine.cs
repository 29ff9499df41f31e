namespace Vectron.Raft.Hosting;

/// <summary>One committed command handed to a state machine.</summary>
/// <param name="Index">The log index of the command's entry.</param>
/// <param name="Payload">The command bytes as the client proposed them (the host's envelope removed).</param>
public readonly record struct StateMachineCommand(ulong Index, ReadOnlyMemory<byte> Payload);

/// <summary>
/// The replicated application of one Raft group. The host calls it from the group's apply lane: one
/// call at a time, never concurrently, in log order; it never calls it from the consensus loop, so a
/// slow state machine delays only its own group's applies and reads.
/// </summary>
public interface IStateMachine
{
    /// <summary>
    /// Applies committed commands in order and writes one result per command into
    /// <paramref name="results"/> (same length). Must be deterministic: every replica applies the same
    /// commands and must reach the same state. Throwing is a bug: the host stops the group.
    /// </summary>
    void Apply(ReadOnlySpan<StateMachineCommand> commands, Span<ReadOnlyMemory<byte>> results);

    /// <summary>Answers a read-only query against the current state (no state change).</summary>
    ReadOnlyMemory<byte> Lookup(ReadOnlyMemory<byte> query);

    /// <summary>Writes the whole state to <paramref name="destination"/>; called between applies.</summary>
    Task SaveSnapshotAsync(Stream destination, CancellationToken cancellationToken);

    /// <summary>Replaces the whole state with a snapshot written by <see cref="SaveSnapshotAsync"/>.</summary>
    Task RestoreSnapshotAsync(Stream source, CancellationToken cancellationToken);
}
