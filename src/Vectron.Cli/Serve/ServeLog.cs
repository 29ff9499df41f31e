using Microsoft.Extensions.Logging;

namespace Vectron.Cli.Serve;

/// <summary>Log messages of <c>vectron serve</c>.</summary>
internal static partial class ServeLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Listening on {Host} without authentication (--insecure): anyone who can reach this address can read and change every collection")]
    public static partial void InsecureListen(ILogger logger, string host);
}
