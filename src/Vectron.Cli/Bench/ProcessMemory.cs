using System.Globalization;

namespace Vectron.Cli.Bench;

/// <summary>Resident set size of this process, as the peers harness records it.</summary>
internal static class ProcessMemory
{
    /// <summary>VmRSS from <c>/proc/self/status</c> in KiB, or <see langword="null"/> where that file does not exist.</summary>
    public static long? ResidentKilobytes()
    {
        const string StatusPath = "/proc/self/status";
        if (!File.Exists(StatusPath))
        {
            return null;
        }

        foreach (string line in File.ReadLines(StatusPath))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                string digits = line["VmRSS:".Length..].Trim();
                int space = digits.IndexOf(' ', StringComparison.Ordinal);
                if (space >= 0)
                {
                    digits = digits[..space];
                }

                return long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out long kilobytes) ? kilobytes : null;
            }
        }

        return null;
    }

    /// <summary>Collects garbage fully, so a following RSS reading does not count dead objects (a discarded index).</summary>
    public static void CollectGarbage()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
    }
}
