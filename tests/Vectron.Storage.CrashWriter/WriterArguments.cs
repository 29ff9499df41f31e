using System.Globalization;

namespace Vectron.Storage.CrashWriter;

/// <summary>The writer's command line.</summary>
/// <param name="Directory">The log directory.</param>
/// <param name="FirstBatch">The first batch id to use; above every batch id the log may already hold.</param>
/// <param name="Writers">Concurrent writer tasks (their batches share syncs).</param>
/// <param name="SegmentSize">Bytes per segment, small so segments rotate and get deleted between kills.</param>
/// <param name="Workload">What to write.</param>
internal sealed record WriterArguments(string Directory, ulong FirstBatch, int Writers, long SegmentSize, WorkloadSettings Workload)
{
    public const string Usage =
        "usage: Vectron.Storage.CrashWriter --dir D --seed S --first-batch N [--writers W] [--segment-size BYTES] "
        + "[--groups G] [--max-groups-per-batch K] [--max-entries-per-run E] [--max-entry-bytes B]";

    public static WriterArguments Parse(IReadOnlyList<string> args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < args.Count; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Count)
            {
                throw new ArgumentException($"expected '--name value' at '{args[i]}'");
            }

            values[args[i][2..]] = args[i + 1];
        }

        string Take(string name, string? fallback = null)
        {
            if (values.Remove(name, out string? value))
            {
                return value;
            }

            return fallback ?? throw new ArgumentException($"--{name} is required");
        }

        var defaults = new WorkloadSettings(0);
        var parsed = new WriterArguments(
            Take("dir"),
            ulong.Parse(Take("first-batch"), CultureInfo.InvariantCulture),
            int.Parse(Take("writers", "4"), CultureInfo.InvariantCulture),
            long.Parse(Take("segment-size", (256 << 10).ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture),
            new WorkloadSettings(
                ulong.Parse(Take("seed"), CultureInfo.InvariantCulture),
                int.Parse(Take("groups", defaults.Groups.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture),
                int.Parse(Take("max-groups-per-batch", defaults.MaxGroupsPerBatch.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture),
                int.Parse(Take("max-entries-per-run", defaults.MaxEntriesPerRun.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture),
                int.Parse(Take("max-entry-bytes", defaults.MaxEntryBytes.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture)));
        if (values.Count > 0)
        {
            throw new ArgumentException($"unknown option --{values.Keys.First()}");
        }

        if (parsed.FirstBatch == 0 || parsed.Writers < 1)
        {
            throw new ArgumentException("--first-batch and --writers must be positive");
        }

        parsed.Workload.Validate();
        return parsed;
    }
}
