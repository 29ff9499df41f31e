namespace Vectron.Server.Gateway;

/// <summary>Settings of the REST gateway.</summary>
public sealed record GatewayOptions
{
    /// <summary>The address to listen on (loopback unless <see cref="Insecure"/>).</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>The REST port (0: any free port; see <see cref="GatewayServer.Port"/>).</summary>
    public int Port { get; init; } = 6333;

    /// <summary>The largest request body accepted; larger bodies get a 413.</summary>
    public long MaxBodyBytes { get; init; } = 32L << 20;

    /// <summary>The largest collection snapshot upload accepted (the only route over <see cref="MaxBodyBytes"/>).</summary>
    public long MaxSnapshotUploadBytes { get; init; } = 16L << 30;

    /// <summary>
    /// How many shard reads (searches, scrolls, counts) run at once; further reads wait their turn in
    /// arrival order. Default: one per core, so that reads are not time-sliced against each other —
    /// more runnable searches than cores only lengthens the tail (a search preempted halfway waits
    /// out the others' slices).
    /// </summary>
    public int ReadConcurrency { get; init; } = Environment.ProcessorCount;

    /// <summary>Allows listening on a non-loopback address although there is no authentication yet.</summary>
    public bool Insecure { get; init; }
}
