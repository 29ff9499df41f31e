namespace Vectron.Server.Placement;

/// <summary>How a placement command ended; anything but <see cref="Ok"/> changed nothing.</summary>
public enum PlacementStatus : byte
{
    /// <summary>Applied.</summary>
    Ok = 0,
    /// <summary>A named collection or alias does not exist.</summary>
    NotFound = 1,
    /// <summary>The name is taken (collection or alias).</summary>
    Conflict = 2,
    /// <summary>The command is invalid.</summary>
    Invalid = 3,
}

/// <summary>The result of one placement command.</summary>
/// <param name="Status">How it ended.</param>
/// <param name="Message">Why it was refused (empty when applied).</param>
/// <param name="Epoch">The metadata epoch after the command.</param>
public readonly record struct PlacementOutcome(PlacementStatus Status, string Message, ulong Epoch)
{
    /// <summary>True when the command applied.</summary>
    public bool IsOk => Status == PlacementStatus.Ok;
}
