namespace Vectron.Rpc;

/// <summary>Writes the messages of a stream, one at a time (writes must not overlap).</summary>
/// <typeparam name="T">The message type.</typeparam>
public interface IRpcStreamWriter<in T>
{
    /// <summary>Writes and flushes one message.</summary>
    /// <exception cref="RpcException">The message is larger than allowed (<see cref="RpcStatusCode.ResourceExhausted"/>).</exception>
    ValueTask WriteAsync(T message, CancellationToken cancellationToken = default);
}
