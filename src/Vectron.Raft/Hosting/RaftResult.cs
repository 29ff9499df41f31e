namespace Vectron.Raft.Hosting;

/// <summary>The outcome of a client operation and, when <see cref="RaftOutcome.Ok"/>, its value.</summary>
/// <typeparam name="T">The value type.</typeparam>
/// <param name="Outcome">How the operation ended.</param>
/// <param name="Value">The value (default unless <see cref="RaftOutcome.Ok"/>).</param>
/// <param name="LeaderHint">The leader this replica knows of (0: none), set on <see cref="RaftOutcome.NotLeader"/> and <see cref="RaftOutcome.Dropped"/>.</param>
public readonly record struct RaftResult<T>(RaftOutcome Outcome, T? Value, ulong LeaderHint)
{
    /// <summary>True when the operation succeeded.</summary>
    public bool IsOk => Outcome == RaftOutcome.Ok;

    /// <summary>A successful result.</summary>
    public static RaftResult<T> Success(T value) => new(RaftOutcome.Ok, value, 0);

    /// <summary>A failed result.</summary>
    public static RaftResult<T> Failure(RaftOutcome outcome, ulong leaderHint = 0) => new(outcome, default, leaderHint);
}
