using Vectron.Raft.Core;

namespace Vectron.Raft.Hosting;

/// <summary>A client operation waiting for its outcome, with the tick by which it times out.</summary>
internal abstract class PendingOperation
{
    protected PendingOperation(long deadlineTick)
    {
        DeadlineTick = deadlineTick;
    }

    public long DeadlineTick { get; }

    /// <summary>Whether the operation has its result (it no longer needs its deadline).</summary>
    public abstract bool IsDone { get; }

    /// <summary>Ends the operation with <see cref="RaftOutcome.Timeout"/> (or another failure) unless it already ended.</summary>
    public abstract void Fail(RaftOutcome outcome, ulong leaderHint = 0);
}

/// <summary>A proposal waiting for its entry to apply on this host.</summary>
internal sealed class PendingProposal(ulong groupId, ulong clientId, ulong requestId, long deadlineTick, long startTimestamp) : PendingOperation(deadlineTick)
{
    public ulong GroupId { get; } = groupId;

    /// <summary>The group once the loop accepted the proposal (for its pending count).</summary>
    public RaftGroup? Group { get; set; }

    public ulong ClientId { get; } = clientId;

    public ulong RequestId { get; } = requestId;

    public long StartTimestamp { get; } = startTimestamp;

    /// <summary>Set by the loop when the entry is seen committed (0 before).</summary>
    public long CommitTimestamp { get; set; }

    public TaskCompletionSource<RaftResult<ReadOnlyMemory<byte>>> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override bool IsDone => Completion.Task.IsCompleted;

    public override void Fail(RaftOutcome outcome, ulong leaderHint = 0) =>
        Completion.TrySetResult(RaftResult<ReadOnlyMemory<byte>>.Failure(outcome, leaderHint));
}

/// <summary>A linearizable read waiting for its read index and then for the apply lane.</summary>
internal sealed class PendingRead(ulong groupId, ReadOnlyMemory<byte> query, long deadlineTick) : PendingOperation(deadlineTick)
{
    public ulong GroupId { get; } = groupId;

    /// <summary>The ReadIndex request id, set by the loop.</summary>
    public ulong ReadId { get; set; }

    public ReadOnlyMemory<byte> Query { get; } = query;

    public TaskCompletionSource<RaftResult<ReadOnlyMemory<byte>>> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override bool IsDone => Completion.Task.IsCompleted;

    public override void Fail(RaftOutcome outcome, ulong leaderHint = 0) =>
        Completion.TrySetResult(RaftResult<ReadOnlyMemory<byte>>.Failure(outcome, leaderHint));
}

/// <summary>A leadership transfer waiting for the target to lead.</summary>
internal sealed class PendingTransfer(ulong groupId, ulong target, long deadlineTick) : PendingOperation(deadlineTick)
{
    public ulong GroupId { get; } = groupId;

    public ulong Target { get; } = target;

    public TaskCompletionSource<RaftResult<ulong>> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override bool IsDone => Completion.Task.IsCompleted;

    public override void Fail(RaftOutcome outcome, ulong leaderHint = 0) =>
        Completion.TrySetResult(RaftResult<ulong>.Failure(outcome, leaderHint));
}

/// <summary>A membership change waiting for its entry to apply on this host.</summary>
internal sealed class PendingConfChange(ulong operationId, long deadlineTick) : PendingOperation(deadlineTick)
{
    public ulong OperationId { get; } = operationId;

    public TaskCompletionSource<RaftResult<ConfState>> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override bool IsDone => Completion.Task.IsCompleted;

    public override void Fail(RaftOutcome outcome, ulong leaderHint = 0) =>
        Completion.TrySetResult(RaftResult<ConfState>.Failure(outcome, leaderHint));
}
