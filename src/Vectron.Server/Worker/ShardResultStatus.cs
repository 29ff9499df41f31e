namespace Vectron.Server.Worker;

/// <summary>How a command ended. Anything but <see cref="Applied"/> changed nothing.</summary>
public enum ShardResultStatus : byte
{
    /// <summary>Applied wholly.</summary>
    Applied = 0,

    /// <summary>Rejected as bad input (the gateway answers 400).</summary>
    BadRequest = 1,

    /// <summary>Rejected because a listed point does not exist (the gateway answers 404).</summary>
    NotFound = 2,
}
