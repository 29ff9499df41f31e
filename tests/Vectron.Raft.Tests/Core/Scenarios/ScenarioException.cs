namespace Vectron.Raft.Tests.Core.Scenarios;

/// <summary>A scenario command could not run; the message names the file, line and command.</summary>
internal sealed class ScenarioException : Exception
{
    public ScenarioException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
