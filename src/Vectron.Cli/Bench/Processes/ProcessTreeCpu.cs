using System.Globalization;

namespace Vectron.Cli.Bench.Processes;

/// <summary>
/// CPU time (user + system) used so far by processes and all their descendants, from <c>/proc/PID/stat</c> (Linux;
/// 10 ms resolution: the kernel counts in USER_HZ, 100 per second). Children that exited are not counted, so read it
/// around a window in which the processes run throughout.
/// </summary>
internal static class ProcessTreeCpu
{
    private const double MillisecondsPerTick = 10; // USER_HZ is 100 on every Linux architecture .NET runs on

    /// <summary>The CPU time of the trees rooted at <paramref name="processIds"/>, or null where /proc is not readable.</summary>
    public static TimeSpan? Total(IEnumerable<int> processIds)
    {
        double milliseconds = 0;
        foreach (int processId in processIds)
        {
            if (Tree(processId) is not { } tree)
            {
                return null;
            }

            milliseconds += tree;
        }

        return TimeSpan.FromMilliseconds(milliseconds);
    }

    private static double? Tree(int processId)
    {
        if (Read(processId) is not { } times)
        {
            return null;
        }

        double total = times.SelfMilliseconds + times.ReapedChildrenMilliseconds;

        foreach (int child in Children(processId))
        {
            total += Tree(child) ?? 0; // a child that exited meanwhile
        }

        return total;
    }

    /// <summary>The CPU times of one process, or null where its <c>stat</c> cannot be read.</summary>
    internal static StatTimes? Read(int processId)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{processId}/stat");
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }

        return ParseStat(text);
    }

    /// <summary>
    /// utime + stime and cutime + cstime from a <c>stat</c> line (fields 14–17, counted after the command name's
    /// closing parenthesis, as the name may hold spaces): the process's own time, and that of its children that exited
    /// and were waited for. A tree's total counts both, so a child that ends inside the window is still counted
    /// (through its parent).
    /// </summary>
    internal static StatTimes? ParseStat(string stat)
    {
        int close = stat.LastIndexOf(')');
        if (close < 0)
        {
            return null;
        }

        string[] fields = stat[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // fields[0] is field 3 (state), so field N is fields[N - 3].
        if (fields.Length < 15)
        {
            return null;
        }

        Span<long> ticks = stackalloc long[4];
        for (int i = 0; i < ticks.Length; i++)
        {
            if (!long.TryParse(fields[11 + i], NumberStyles.None, CultureInfo.InvariantCulture, out ticks[i]))
            {
                return null;
            }
        }

        return new StatTimes((ticks[0] + ticks[1]) * MillisecondsPerTick, (ticks[2] + ticks[3]) * MillisecondsPerTick);
    }

    /// <summary>
    /// One process's CPU time in milliseconds: its own threads' (<c>utime + stime</c>, what
    /// <c>Process.TotalProcessorTime</c> reports) and that of its children that exited and were reaped
    /// (<c>cutime + cstime</c>).
    /// </summary>
    internal readonly record struct StatTimes(double SelfMilliseconds, double ReapedChildrenMilliseconds);

    private static IEnumerable<int> Children(int processId)
    {
        string tasks = $"/proc/{processId}/task";
        if (!Directory.Exists(tasks))
        {
            yield break;
        }

        foreach (string task in Directory.EnumerateDirectories(tasks))
        {
            string text;
            try
            {
                text = File.ReadAllText(Path.Combine(task, "children"));
            }
            catch (IOException)
            {
                continue; // the thread ended
            }

            foreach (string child in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                if (int.TryParse(child, NumberStyles.None, CultureInfo.InvariantCulture, out int id))
                {
                    yield return id;
                }
            }
        }
    }
}
