using Microsoft.Extensions.Logging;

namespace Vectron.Server.Gateway;

/// <summary>The gateway's log messages.</summary>
internal static partial class GatewayLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "{Method} {Path} failed")]
    public static partial void RequestFailed(ILogger logger, Exception exception, string method, string path);
}
