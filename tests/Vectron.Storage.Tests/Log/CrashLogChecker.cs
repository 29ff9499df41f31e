using Vectron.Storage.CrashWriter;
using Vectron.Storage.Log;

namespace Vectron.Storage.Tests.Log;

/// <summary>
/// Checks a log left by killed <see cref="WorkloadWriter"/> processes against the workload recomputed from the seed:
/// every acknowledged batch is present and intact unless compacted away, and every batch present at all is present
/// whole. Fails the test with the seed, iteration, batch and group in the message.
/// </summary>
/// <remarks>
/// The writer queues batches in id order, so in every group batch ids grow with the index, and it never compacts a
/// group's newest durable entry. Hence a group's first retained entry splits its history: runs of older batches must be
/// compacted away (only the first retained run may be cut at the front), runs of that batch or newer ones must be
/// there entire.
/// </remarks>
internal static class CrashLogChecker
{
    public static CrashCheckResult Check(LogEngine engine, WorkloadSettings settings, IReadOnlySet<ulong> acknowledged, string context)
    {
        var present = new HashSet<ulong>();
        var runs = new HashSet<(ulong Batch, ulong Group)>();
        var firstRetained = new Dictionary<ulong, ulong>();
        var hardStates = new Dictionary<ulong, ulong>();
        long entries = 0;
        foreach (ulong group in engine.GroupIds)
        {
            if (group < 1 || group > (ulong)settings.Groups)
            {
                Assert.Fail($"{context} group={group}: the log holds a group the writer never writes");
            }

            var info = engine.GetGroup(group)!.Value;
            entries += CheckEntries(engine, settings, info, runs, present, firstRetained, context);
            CheckCompactionPoint(engine, settings, info, firstRetained, context);
            if (info.HardState != default)
            {
                ulong batch = info.HardState.Term;
                if (Workload.Plan(settings, batch).RunOf(group) is not { SetsHardState: true } || info.HardState != Workload.HardState(settings, batch, group))
                {
                    Assert.Fail($"{context} batch={batch} group={group}: the hard state {info.HardState} is not one the writer set");
                }

                hardStates[group] = batch;
                present.Add(batch);
            }
        }

        var batches = new SortedSet<ulong>(present);
        batches.UnionWith(acknowledged);
        foreach (ulong batch in batches)
        {
            string what = acknowledged.Contains(batch) ? "acknowledged" : "not acknowledged but partly present";
            foreach (var run in Workload.Plan(settings, batch).Runs)
            {
                // A run that is there was checked whole above; one that is not must lie before the first retained run.
                if (!runs.Contains((batch, run.GroupId)) && !(firstRetained.TryGetValue(run.GroupId, out ulong first) && batch < first))
                {
                    var info = engine.GetGroup(run.GroupId);
                    Assert.Fail(
                        $"{context} batch={batch} group={run.GroupId}: the batch is {what}, yet its {run.Count} entries in this group are missing "
                        + $"(the group retains {(info is { } i ? $"indexes {i.FirstIndex}..{i.LastIndex}" : "nothing")}, first retained batch {(firstRetained.TryGetValue(run.GroupId, out first) ? first : 0)})");
                }

                if (run.SetsHardState && !(hardStates.TryGetValue(run.GroupId, out ulong hardState) && hardState >= batch))
                {
                    Assert.Fail($"{context} batch={batch} group={run.GroupId}: the batch is {what} and set the hard state, yet the log's hard state is from batch {hardStates.GetValueOrDefault(run.GroupId)}");
                }
            }
        }

        return new CrashCheckResult(batches.Count == 0 ? 0 : batches.Max, present.Count, entries);
    }

    // Reads the group's retained entries; checks contiguity, content and that each batch's run is whole.
    private static long CheckEntries(
        LogEngine engine, WorkloadSettings settings, LogGroupInfo info, HashSet<(ulong, ulong)> runs, HashSet<ulong> present, Dictionary<ulong, ulong> firstRetained, string context)
    {
        ulong group = info.GroupId;
        if (info.CompactedIndex > 0 && info.LastIndex <= info.CompactedIndex)
        {
            Assert.Fail($"{context} group={group}: compacted through {info.CompactedIndex} with last index {info.LastIndex}, but the writer always keeps its newest durable entry");
        }

        var read = new List<LogEntry>();
        var status = engine.ReadEntries(group, info.CompactedIndex + 1, info.LastIndex + 1, long.MaxValue, read);
        if (status != LogReadStatus.Ok || (ulong)read.Count != info.LastIndex - info.CompactedIndex)
        {
            Assert.Fail($"{context} group={group}: reading indexes {info.CompactedIndex + 1}..{info.LastIndex} gave {status} with {read.Count} entries");
        }

        ulong runBatch = 0;
        int runOrdinal = -1;
        int runLength = 0;
        for (int i = 0; i < read.Count; i++)
        {
            var entry = read[i];
            ulong index = info.CompactedIndex + 1 + (ulong)i;
            if (entry.Index != index)
            {
                Assert.Fail($"{context} group={group}: the log is not contiguous: entry {i} of the retained range has index {entry.Index}, expected {index}");
            }

            var bytes = entry.Data.Span;
            if (!Workload.TryDescribe(bytes, out var header))
            {
                Assert.Fail($"{context} group={group} index={index}: the payload ({bytes.Length} bytes, starting {Convert.ToHexString(bytes[..Math.Min(16, bytes.Length)])}) is not an intact writer entry");
            }

            ulong batch = header.BatchId;
            var run = Workload.Plan(settings, batch).RunOf(group);
            if (header.GroupId != group || header.Index != index || run is null || run.Value.Count != header.RunLength || header.Ordinal >= header.RunLength || entry.Term != batch)
            {
                Assert.Fail($"{context} batch={batch} group={group} index={index}: the entry is stored with term {entry.Term} but describes itself as {header}; the batch's plan for the group is {run?.ToString() ?? "nothing"}");
            }

            if (!bytes.SequenceEqual(Workload.Entry(settings, batch, group, header.Ordinal, header.RunLength, index)))
            {
                Assert.Fail($"{context} batch={batch} group={group} index={index}: the payload differs from what the writer wrote");
            }

            if (batch == runBatch && i > 0)
            {
                if (header.Ordinal != runOrdinal + 1)
                {
                    Assert.Fail($"{context} batch={batch} group={group} index={index}: entry {header.Ordinal} of the run follows entry {runOrdinal}");
                }

                runOrdinal = header.Ordinal;
                continue;
            }

            if (i == 0)
            {
                // Only the first retained run may start inside the batch: its front was compacted away.
                firstRetained[group] = batch;
                if (header.Ordinal != 0 && info.CompactedIndex == 0)
                {
                    Assert.Fail($"{context} batch={batch} group={group} index={index}: the log starts with entry {header.Ordinal} of the batch's run, and nothing was compacted");
                }
            }
            else
            {
                RunMustBeWhole(context, group, runBatch, runOrdinal, runLength, $"batch {batch} follows at index {index}");
                if (batch <= runBatch || header.Ordinal != 0)
                {
                    Assert.Fail($"{context} batch={batch} group={group} index={index}: entry {header.Ordinal} of the batch's run follows batch {runBatch}; batches must follow each other whole and in id order");
                }
            }

            runBatch = batch;
            runOrdinal = header.Ordinal;
            runLength = header.RunLength;
            runs.Add((batch, group));
            present.Add(batch);
        }

        if (read.Count > 0)
        {
            RunMustBeWhole(context, group, runBatch, runOrdinal, runLength, $"the log ends at index {info.LastIndex}");
        }

        return read.Count;
    }

    private static void RunMustBeWhole(string context, ulong group, ulong batch, int lastOrdinal, int runLength, string after)
    {
        if (lastOrdinal != runLength - 1)
        {
            Assert.Fail($"{context} batch={batch} group={group}: only entries through {lastOrdinal} of the batch's {runLength} are present, then {after}: the batch is half-present");
        }
    }

    // The compaction point's term is the batch id of the entry there: no newer than the first retained batch, and that
    // very batch when its run is cut at the front.
    private static void CheckCompactionPoint(LogEngine engine, WorkloadSettings settings, LogGroupInfo info, Dictionary<ulong, ulong> firstRetained, string context)
    {
        if (info.CompactedIndex == 0)
        {
            return;
        }

        ulong group = info.GroupId;
        ulong first = firstRetained[group];
        if (!engine.TryGetTerm(group, info.CompactedIndex, out ulong term) || term != info.CompactedTerm
            || info.CompactedTerm > first || Workload.Plan(settings, info.CompactedTerm).RunOf(group) is null)
        {
            Assert.Fail($"{context} batch={info.CompactedTerm} group={group}: the compaction point {info.CompactedIndex} has term {info.CompactedTerm} (TryGetTerm {term}), which is no batch of the group before its first retained batch {first}");
        }
    }
}

/// <summary>What a check found.</summary>
/// <param name="MaxBatchId">The highest batch id acknowledged or present; the next writer starts above it.</param>
/// <param name="PresentBatches">Batches with anything in the log.</param>
/// <param name="RetainedEntries">Entries retained over all groups.</param>
internal readonly record struct CrashCheckResult(ulong MaxBatchId, int PresentBatches, long RetainedEntries);
