namespace Vectron.Server.Worker;

/// <summary>The result of applying one command: its status, how many points it affected, and the reason when rejected.</summary>
public readonly record struct ShardCommandResult(ShardResultStatus Status, long Count, string Message)
{
    /// <summary>Whether the command applied.</summary>
    public bool IsApplied => Status == ShardResultStatus.Applied;

    /// <summary>An applied command that affected <paramref name="count"/> points.</summary>
    public static ShardCommandResult Applied(long count) => new(ShardResultStatus.Applied, count, string.Empty);

    /// <summary>A command rejected as bad input.</summary>
    public static ShardCommandResult BadRequest(string message) => new(ShardResultStatus.BadRequest, 0, message);

    /// <summary>A command rejected because a point does not exist.</summary>
    public static ShardCommandResult NotFound(string message) => new(ShardResultStatus.NotFound, 0, message);
}
