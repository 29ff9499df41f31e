using System.Collections.Concurrent;
using Vectron.Index.Tests.Support;

namespace Vectron.Index.Tests.Hnsw;

public sealed class ConcurrencyTests
{
    /// <summary>
    /// Two writer threads insert while two reader threads search, for a fixed amount of work. Every
    /// answer is checked against exact search over the points whose insert completed before the search
    /// began: results are sorted, distinct, carry their true distance, name only inserted points, and
    /// miss few of the exact neighbours.
    /// </summary>
    /// <remarks>
    /// The writers pause every <c>count / Checkpoints</c> inserts until the readers have finished one more search
    /// (over at least k inserted points), so searches interleave with the inserts however the scheduler runs the
    /// threads: on a loaded machine the writers could otherwise finish before the readers' first few searches.
    /// The wide variant makes rows big enough (2.4 KB) that the row stores grow a new chunk every few hundred
    /// inserts, so searches constantly race the growth of the tables they read.
    /// </remarks>
    [Theory]
    [InlineData(6_000, 24)]
    [InlineData(2_500, 600)]
    public void SearchesConcurrentWithInserts_ReturnConsistentAnswers(int count, int dimension)
    {
        const int seed = 4242;
        const int k = 10;
        float[][] rows = IndexBuilder.Clustered(count, dimension, clusters: 40, seed);
        using var index = new HnswIndex(new HnswOptions { Dimension = dimension, M = 12, EfConstruction = 100, InitialCapacity = 16 });

        // completed[i] is set after row i's Upsert returned; started[i] before it is called.
        var started = new bool[count];
        var completed = new bool[count];
        int next = -1;
        var failures = new ConcurrentQueue<string>();
        var recalls = new ConcurrentBag<double>();
        int writersDone = 0;
        int searchesDone = 0;
        int readersDone = 0;
        const int Checkpoints = 20;
        int step = count / Checkpoints;

        // A writer reaching insert i (a multiple of step) waits until the readers have done i / step searches over at
        // least k inserted points, or have both stopped (a reader that threw): no timing decides whether searches
        // overlap the inserts.
        void AwaitSearches(int i)
        {
            if (i == 0 || i % step != 0)
            {
                return;
            }
            var spin = new SpinWait();
            while (Volatile.Read(ref searchesDone) < i / step && Volatile.Read(ref readersDone) < 2)
            {
                spin.SpinOnce();
            }
        }

        void Writer()
        {
            try
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < count)
                {
                    AwaitSearches(i);
                    Volatile.Write(ref started[i], true);
                    index.Upsert((ulong)i, rows[i]);
                    Volatile.Write(ref completed[i], true);
                }
            }
            catch (Exception e)
            {
                failures.Enqueue($"insert threw {e}");
            }
            finally
            {
                Interlocked.Increment(ref writersDone);
            }
        }

        void Reader(int readerSeed)
        {
            try
            {
                ReadUntilWritersFinish(readerSeed);
            }
            catch (Exception e)
            {
                failures.Enqueue($"search threw {e}");
            }
            finally
            {
                Interlocked.Increment(ref readersDone);
            }
        }

        void ReadUntilWritersFinish(int readerSeed)
        {
            var random = new Random(readerSeed);
            var hits = new SearchHit[k];
            while (Volatile.Read(ref writersDone) < 2)
            {
                float[] query = rows[random.Next(count)];
                var before = new List<(ulong, float[])>();
                for (int i = 0; i < count; i++)
                {
                    if (Volatile.Read(ref completed[i]))
                    {
                        before.Add(((ulong)i, rows[i]));
                    }
                }

                int found = index.Search(query, k, hits, new SearchParameters { Ef = 64 });
                if (before.Count >= k && found < k)
                {
                    failures.Enqueue($"only {found} results with {before.Count} points inserted");
                }

                var seen = new HashSet<ulong>();
                for (int j = 0; j < found; j++)
                {
                    ulong key = hits[j].Key;
                    if (key >= (ulong)count || !Volatile.Read(ref started[key]) || !seen.Add(key))
                    {
                        failures.Enqueue($"result {key} was never inserted or is repeated");
                        continue;
                    }

                    double truth = Recall.Distance(rows[key], query, DistanceMetric.L2);
                    if (Math.Abs(truth - hits[j].Distance) > 1e-3 * Math.Max(1, truth))
                    {
                        failures.Enqueue($"result {key} has distance {hits[j].Distance}, true {truth}");
                    }

                    if (j > 0 && hits[j].Distance < hits[j - 1].Distance)
                    {
                        failures.Enqueue("results are not sorted");
                    }
                }

                if (before.Count >= k && found > 0)
                {
                    // Points inserted during the search may legitimately displace older ones, so count an
                    // exact neighbour as found when no result is farther than it.
                    int[] exact = Recall.ExactTopK(before, query, k, DistanceMetric.L2);
                    float worst = hits[found - 1].Distance;
                    int matched = exact.Count(e => seen.Contains((ulong)e) || Recall.Distance(rows[e], query, DistanceMetric.L2) >= worst);
                    recalls.Add(matched / (double)k);
                }

                if (before.Count >= k)
                {
                    Interlocked.Increment(ref searchesDone);
                }
            }
        }

        var threads = new[]
        {
            new Thread(Writer), new Thread(Writer),
            new Thread(() => Reader(seed + 1)), new Thread(() => Reader(seed + 2)),
        };
        foreach (Thread t in threads)
        {
            t.Start();
        }

        foreach (Thread t in threads)
        {
            t.Join();
        }

        Assert.True(failures.IsEmpty, $"seed {seed}: {failures.Count} failures, first: {failures.FirstOrDefault()}");
        Assert.Equal(count, index.Count);
        Assert.True(recalls.Count > 10, $"seed {seed}: only {recalls.Count} searches ran during the inserts");
        double mean = recalls.Average();
        Assert.True(mean >= 0.95, $"seed {seed}: mean recall during inserts {mean:F4} < 0.95 over {recalls.Count} searches");

        // Once quiet, the graph built concurrently must be as good as a sequential one.
        var all = rows.Select((r, i) => ((ulong)i, r)).ToList();
        var random = new Random(seed);
        double quietRecall = 0;
        for (int q = 0; q < 100; q++)
        {
            float[] query = rows[random.Next(count)];
            int[] exact = Recall.ExactTopK(all, query, k, DistanceMetric.L2);
            quietRecall += index.Search(query, k, new SearchParameters { Ef = 64 }).Count(h => exact.Contains((int)h.Key)) / (double)k;
        }

        Assert.True(quietRecall / 100 >= 0.97, $"seed {seed}: recall after concurrent build {quietRecall / 100:F4} < 0.97");
    }
}
