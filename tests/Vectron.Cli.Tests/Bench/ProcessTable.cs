namespace Vectron.Cli.Tests.Bench;

/// <summary>The processes running on this machine, read from /proc: to check that a benchmark left none behind.</summary>
internal static class ProcessTable
{
    /// <summary>The ids and command lines of running processes whose command line contains <paramref name="text"/>.</summary>
    public static List<(int Pid, string CommandLine)> Matching(string text)
    {
        var found = new List<(int, string)>();
        foreach (string directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out int pid))
            {
                continue;
            }

            string commandLine;
            try
            {
                commandLine = File.ReadAllText(Path.Combine(directory, "cmdline")).Replace('\0', ' ');
                // A zombie (exited, not yet reaped) has an empty command line; it holds no resources.
            }
            catch (IOException)
            {
                continue;
            }
            catch (UnauthorizedAccessException)
            {
                continue;
            }

            if (commandLine.Contains(text, StringComparison.Ordinal))
            {
                found.Add((pid, commandLine));
            }
        }

        return found;
    }

    /// <summary>Fails naming every process whose command line contains <paramref name="text"/>.</summary>
    public static void AssertNoneMatching(string text)
    {
        var left = Matching(text);
        Assert.True(left.Count == 0, $"processes left running: {string.Join("; ", left.Select(p => $"{p.Pid}: {p.CommandLine}"))}");
    }
}
