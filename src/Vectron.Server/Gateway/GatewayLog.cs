using Microsoft.Extensions.Logging;

namespace Vectron.Server.Gateway;

/// <summary>The gateway's log messages.</summary>
internal static partial class GatewayLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "{Method} {Path} failed")]
    public static partial void RequestFailed(ILogger logger, Exception exception, string method, string path);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "A write without wait to group {Group} failed: {Reason}")]
    public static partial void UnwaitedWriteFailed(ILogger logger, ulong group, string reason);
}
