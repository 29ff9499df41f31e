using System.Globalization;
using Vectron.Storage.Log;

namespace Vectron.Storage.CrashWriter;

/// <summary>
/// Appends planned batches from several tasks forever and prints <c>ack &lt;batch&gt; ok</c> once each is durable.
/// </summary>
/// <remarks>
/// Batch ids are taken, indexes reserved and the batch queued in the engine under one lock, so in every group the
/// batch ids grow with the log index and terms (= batch ids) never decrease. That ordering is what lets the test tell
/// a compacted run (before the group's first retained batch) from a lost one.
/// </remarks>
internal sealed class WorkloadWriter
{
    private readonly LogEngine _engine;
    private readonly WorkloadSettings _settings;
    private readonly TextWriter _output;
    private readonly Lock _lock = new();
    private readonly Lock _printLock = new();

    // Guarded by _lock. Per group (index = group id): the last index queued, the compaction point queued, and the last
    // index known durable (acknowledged; every batch queued before an acknowledged one is durable too).
    private readonly ulong[] _queuedLast;
    private readonly ulong[] _queuedCompacted;
    private readonly ulong[] _durableLast;
    private ulong _nextBatch;

    public WorkloadWriter(LogEngine engine, WorkloadSettings settings, ulong firstBatch, TextWriter output)
    {
        _engine = engine;
        _settings = settings;
        _output = output;
        _nextBatch = firstBatch;
        _queuedLast = new ulong[settings.Groups + 1];
        _queuedCompacted = new ulong[settings.Groups + 1];
        _durableLast = new ulong[settings.Groups + 1];

        // Resume every group where the log ends.
        for (int group = 1; group <= settings.Groups; group++)
        {
            var info = engine.GetGroup((ulong)group);
            _queuedLast[group] = _durableLast[group] = info?.LastIndex ?? 0;
            _queuedCompacted[group] = info?.CompactedIndex ?? 0;
        }
    }

    /// <summary>Runs <paramref name="writers"/> writer tasks; completes only by failing.</summary>
    public async Task RunAsync(int writers)
    {
        var tasks = new Task[writers];
        for (int i = 0; i < writers; i++)
        {
            tasks[i] = Task.Run(WriteForeverAsync);
        }

        await await Task.WhenAny(tasks);
    }

    public void Print(string line)
    {
        // One line, one write(2): a kill cannot leave half a line the test would misread.
        lock (_printLock)
        {
            _output.Write(line + "\n");
            _output.Flush();
        }
    }

    private async Task WriteForeverAsync()
    {
        var batch = new WriteBatch(64 << 10);
        var lasts = new (ulong Group, ulong Last)[_settings.MaxGroupsPerBatch];
        while (true)
        {
            ulong batchId;
            int touched;
            Task write;
            lock (_lock)
            {
                batchId = _nextBatch++;
                touched = Build(batch, Workload.Plan(_settings, batchId), lasts);

                // Queued under the lock so the engine sees batches in id order. The unsynced bound is far above what
                // the writers can have in flight, so WriteAsync always queues at once and never reorders.
                write = _engine.WriteAsync(batch);
            }

            await write;
            lock (_lock)
            {
                for (int i = 0; i < touched; i++)
                {
                    _durableLast[lasts[i].Group] = Math.Max(_durableLast[lasts[i].Group], lasts[i].Last);
                }
            }

            Print(string.Create(CultureInfo.InvariantCulture, $"ack {batchId} ok"));
            batch.Clear();
        }
    }

    // Callers hold _lock. Returns how many groups were touched; their new last indexes are in 'lasts'.
    private int Build(WriteBatch batch, BatchPlan plan, (ulong Group, ulong Last)[] lasts)
    {
        for (int r = 0; r < plan.Runs.Length; r++)
        {
            var run = plan.Runs[r];
            ulong group = run.GroupId;

            // Compact only indexes already durable and keep at least the newest durable entry, so every compacted
            // group still shows its first retained batch.
            if (run.CompactLag > 0 && _durableLast[group] > (ulong)run.CompactLag)
            {
                ulong through = _durableLast[group] - (ulong)run.CompactLag;
                if (through > _queuedCompacted[group])
                {
                    if (!_engine.TryGetTerm(group, through, out ulong term))
                    {
                        throw new InvalidOperationException($"group {group}: no term for durable index {through} (durable last {_durableLast[group]}, compacted {_queuedCompacted[group]})");
                    }

                    batch.Compact(group, through, term);
                    _queuedCompacted[group] = through;
                }
            }

            var entries = new LogEntry[run.Count];
            for (int i = 0; i < entries.Length; i++)
            {
                ulong index = _queuedLast[group] + 1 + (ulong)i;
                entries[i] = new LogEntry(index, plan.BatchId, Workload.Entry(_settings, plan.BatchId, group, i, run.Count, index));
            }

            batch.Append(group, entries);
            _queuedLast[group] += (ulong)run.Count;
            lasts[r] = (group, _queuedLast[group]);
            if (run.SetsHardState)
            {
                batch.SetHardState(group, Workload.HardState(_settings, plan.BatchId, group));
            }
        }

        return plan.Runs.Length;
    }
}
