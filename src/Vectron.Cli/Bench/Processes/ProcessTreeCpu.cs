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
        if (Own(processId) is not { } total)
        {
            return null;
        }

        foreach (int child in Children(processId))
        {
            total += Tree(child) ?? 0; // a child that exited meanwhile
        }

        return total;
    }

    /// <summary>CPU time of one process (all its threads, and its reaped children), in milliseconds.</summary>
    internal static double? Own(int processId)
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
    /// utime + stime + cutime + cstime from a <c>stat</c> line (fields 14–17, counted after the command name's closing
    /// parenthesis, as the name may hold spaces): the process's own time and that of its children that exited and were
    /// waited for, so a child that ends inside the window is still counted (through its parent).
    /// </summary>
    internal static double? ParseStat(string stat)
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

        long total = 0;
        for (int field = 11; field <= 14; field++)
        {
            if (!long.TryParse(fields[field], NumberStyles.None, CultureInfo.InvariantCulture, out long ticks))
            {
                return null;
            }

            total += ticks;
        }

        return total * MillisecondsPerTick;
    }

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
