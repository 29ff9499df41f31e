using System.Globalization;

namespace Vectron.Storage.CrashWriter;

/// <summary>
/// Everything the workload is derived from. The writer and the test must agree on all of it: a batch's plan and its
/// entries' bytes are functions of these settings and the batch id alone.
/// </summary>
/// <param name="Seed">The seed of every plan and payload.</param>
/// <param name="Groups">Groups written, ids 1..Groups.</param>
/// <param name="MaxGroupsPerBatch">A batch touches 1..this many distinct groups.</param>
/// <param name="MaxEntriesPerRun">A batch appends 1..this many entries to each group it touches.</param>
/// <param name="MaxEntryBytes">The largest entry body; most are far smaller.</param>
internal sealed record WorkloadSettings(ulong Seed, int Groups = 8, int MaxGroupsPerBatch = 3, int MaxEntriesPerRun = 6, int MaxEntryBytes = 4096)
{
    /// <summary>The command-line form read back by <see cref="WriterArguments.Parse"/>.</summary>
    public IEnumerable<string> ToArguments() =>
    [
        "--seed", Seed.ToString(CultureInfo.InvariantCulture),
        "--groups", Groups.ToString(CultureInfo.InvariantCulture),
        "--max-groups-per-batch", MaxGroupsPerBatch.ToString(CultureInfo.InvariantCulture),
        "--max-entries-per-run", MaxEntriesPerRun.ToString(CultureInfo.InvariantCulture),
        "--max-entry-bytes", MaxEntryBytes.ToString(CultureInfo.InvariantCulture),
    ];

    public void Validate()
    {
        if (Groups < 1 || MaxGroupsPerBatch < 1 || MaxEntriesPerRun < 1 || MaxEntriesPerRun > ushort.MaxValue || MaxEntryBytes < 0)
        {
            throw new ArgumentException($"invalid workload settings: {this}");
        }
    }
}
