using System.Diagnostics;
using System.Text;
using Google.Protobuf;

namespace Vectron.Cli.Bench.Processes;

/// <summary>
/// C concurrent writers against an <see cref="IKvCluster"/>, the same for every system: each writes a value of the
/// configured size to its own key, waits for the result, and writes the next. Each starts at the leader; after a
/// failure it follows the leader hint if there is one, else tries the next member, and after failing on every member
/// in a row waits <see cref="RetryPause"/> before going round again (so a cluster without a leader is not spun on).
/// </summary>
internal sealed class KvLoad
{
    /// <summary>The pause after a writer has failed once on every member in a row.</summary>
    public static readonly TimeSpan RetryPause = TimeSpan.FromMilliseconds(10);

    private readonly IKvCluster _cluster;
    private readonly Writer[] _writers;
    private readonly ByteString _value;

    public KvLoad(IKvCluster cluster, int clients, int valueSize, int leader, int seed = 42)
    {
        _cluster = cluster;
        var value = new byte[valueSize];
        new Random(seed).NextBytes(value);
        _value = ByteString.CopyFrom(value);
        _writers = [.. Enumerable.Range(0, clients).Select(i => new Writer((ulong)i + 1, ByteString.CopyFrom($"bench/{i:D5}", Encoding.UTF8), leader))];
    }

    /// <summary>
    /// Runs the writers until <paramref name="stop"/> is cancelled (each finishes the write it is waiting for).
    /// <paramref name="onSuccess"/> hears of every committed write: (start, end) as <see cref="Stopwatch"/> timestamps.
    /// Returns the committed and the failed writes, and when <paramref name="recordLatencies"/> every committed
    /// write's latency in milliseconds.
    /// </summary>
    public async Task<KvLoadResult> RunAsync(bool recordLatencies, Action<long, long>? onSuccess, CancellationToken stop)
    {
        var tasks = _writers.Select(writer => Task.Run(() => RunWriterAsync(writer, recordLatencies, onSuccess, stop), CancellationToken.None)).ToArray();
        var results = await Task.WhenAll(tasks).ConfigureAwait(false);
        return new KvLoadResult(
            results.Sum(r => r.Writes),
            results.Sum(r => r.Failed),
            recordLatencies ? [.. results.SelectMany(r => r.Latencies)] : []);
    }

    private async Task<(long Writes, long Failed, List<double> Latencies)> RunWriterAsync(Writer writer, bool recordLatencies, Action<long, long>? onSuccess, CancellationToken stop)
    {
        long writes = 0, failed = 0;
        var latencies = new List<double>(recordLatencies ? 4096 : 0);
        int failuresInRow = 0;
        while (!stop.IsCancellationRequested)
        {
            long start = Stopwatch.GetTimestamp();
            var result = await _cluster.PutAsync(writer.Target, writer.ClientId, ++writer.RequestId, writer.Key, _value).ConfigureAwait(false);
            long end = Stopwatch.GetTimestamp();
            if (result.Ok)
            {
                writes++;
                failuresInRow = 0;
                if (recordLatencies)
                {
                    latencies.Add(Stopwatch.GetElapsedTime(start, end).TotalMilliseconds);
                }

                onSuccess?.Invoke(start, end);
                continue;
            }

            failed++;
            failuresInRow++;
            writer.Target = result.LeaderHint >= 0 && result.LeaderHint != writer.Target && failuresInRow < _cluster.Members
                ? result.LeaderHint
                : (writer.Target + 1) % _cluster.Members;
            if (failuresInRow >= _cluster.Members)
            {
                failuresInRow = 0;
                try
                {
                    await Task.Delay(RetryPause, stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }

        return (writes, failed, latencies);
    }

    private sealed class Writer(ulong clientId, ByteString key, int target)
    {
        public ulong ClientId { get; } = clientId;

        public ByteString Key { get; } = key;

        public int Target { get; set; } = target;

        public ulong RequestId { get; set; }
    }
}

/// <summary>What a <see cref="KvLoad"/> run did.</summary>
internal sealed record KvLoadResult(long Writes, long Failed, double[] LatenciesMs);
