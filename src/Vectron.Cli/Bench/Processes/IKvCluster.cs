using Google.Protobuf;

namespace Vectron.Cli.Bench.Processes;

/// <summary>
/// A replicated key-value cluster of separate processes that <see cref="KvLoad"/> writes to: Vectron's
/// (<see cref="VectronProcessCluster"/>) or etcd's (<see cref="EtcdCluster"/>). Both are called over gRPC with
/// <see cref="Vectron.Rpc.Client.RpcChannel"/>; only the request and response messages differ.
/// </summary>
internal interface IKvCluster : IAsyncDisposable
{
    /// <summary>"vectron" or "etcd".</summary>
    string System { get; }

    /// <summary>The version the members report.</summary>
    string Version { get; }

    /// <summary>Members (indexes 0..Members-1).</summary>
    int Members { get; }

    /// <summary>The processes of the members running now (each with its children: the CPU the cluster uses is theirs).</summary>
    IReadOnlyList<int> ProcessIds { get; }

    /// <summary>The index of the member every member agrees leads, waiting up to <paramref name="timeout"/>.</summary>
    /// <exception cref="InvalidOperationException">No agreed leader within the timeout.</exception>
    Task<int> FindLeaderAsync(TimeSpan timeout);

    /// <summary>Writes <paramref name="value"/> under <paramref name="key"/> through member <paramref name="member"/>; never throws for a failed write.</summary>
    Task<KvPutResult> PutAsync(int member, ulong clientId, ulong requestId, ByteString key, ByteString value);
}

/// <summary>How one write ended.</summary>
/// <param name="Ok">Committed.</param>
/// <param name="LeaderHint">When not committed: the member the answering member names as leader, or -1.</param>
/// <param name="Error">When not committed: why.</param>
internal readonly record struct KvPutResult(bool Ok, int LeaderHint, string? Error)
{
    public static KvPutResult Success { get; } = new(true, -1, null);
}
