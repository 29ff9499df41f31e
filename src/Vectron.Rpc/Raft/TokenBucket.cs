namespace Vectron.Rpc.Raft;

/// <summary>
/// Limits a byte rate: refills at <c>bytesPerSecond</c> up to one second's worth, and a taker that overdraws waits
/// until the debt is paid back (so a chunk larger than the bucket still goes through, at the limited rate).
/// Thread-safe; a rate of 0 means unlimited.
/// </summary>
internal sealed class TokenBucket
{
    private readonly Lock _lock = new();
    private readonly long _bytesPerSecond;
    private readonly TimeProvider _time;
    private double _tokens;
    private long _stamp;

    public TokenBucket(long bytesPerSecond, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytesPerSecond);
        _bytesPerSecond = bytesPerSecond;
        _time = time;
        _tokens = bytesPerSecond;
        _stamp = time.GetTimestamp();
    }

    /// <summary>Takes <paramref name="bytes"/>; completes when the rate allows them to be sent.</summary>
    public Task TakeAsync(int bytes, CancellationToken cancellationToken)
    {
        if (_bytesPerSecond == 0 || bytes == 0)
        {
            return Task.CompletedTask;
        }

        TimeSpan wait;
        lock (_lock)
        {
            long now = _time.GetTimestamp();
            _tokens = Math.Min(_bytesPerSecond, _tokens + (_time.GetElapsedTime(_stamp, now).TotalSeconds * _bytesPerSecond));
            _stamp = now;
            _tokens -= bytes;
            wait = _tokens < 0 ? TimeSpan.FromSeconds(-_tokens / _bytesPerSecond) : TimeSpan.Zero;
        }

        return wait > TimeSpan.Zero ? Task.Delay(wait, _time, cancellationToken) : Task.CompletedTask;
    }
}
