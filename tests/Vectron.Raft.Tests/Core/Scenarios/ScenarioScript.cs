using System.Text;

namespace Vectron.Raft.Tests.Core.Scenarios;

/// <summary>
/// A scenario file in the data-driven format of etcd's testdata: free text (comments starting with
/// '#', blank lines) and blocks of one command line, a "----" line and the expected output, which
/// ends at the first blank line. Output that itself holds blank lines is written between doubled
/// separators ("----" "----" output "----" "----"). The parsed script keeps every line so that it
/// can be written back with new outputs and nothing else changed.
/// </summary>
internal sealed class ScenarioScript
{
    private const string Separator = "----";

    private ScenarioScript(List<object> parts)
    {
        Parts = parts;
    }

    /// <summary>Verbatim text (a string holding whole lines, each ending in '\n') or a <see cref="ScenarioBlock"/>, in file order.</summary>
    public IReadOnlyList<object> Parts { get; }

    public IEnumerable<ScenarioBlock> Blocks => Parts.OfType<ScenarioBlock>();

    /// <exception cref="FormatException">A command is not followed by a separator, or a doubled-separator output is not closed.</exception>
    public static ScenarioScript Parse(string fileName, string text)
    {
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        // A trailing newline yields one empty last element that is not a line.
        var count = lines.Length > 0 && lines[^1].Length == 0 ? lines.Length - 1 : lines.Length;
        var parts = new List<object>();
        var verbatim = new StringBuilder();
        var i = 0;
        while (i < count)
        {
            var line = lines[i];
            if (string.IsNullOrWhiteSpace(line) || line.StartsWith('#'))
            {
                verbatim.Append(line).Append('\n');
                i++;
                continue;
            }
            if (verbatim.Length > 0)
            {
                parts.Add(verbatim.ToString());
                verbatim.Clear();
            }
            var commandLine = i + 1;
            if (i + 1 >= count || lines[i + 1] != Separator)
            {
                throw new FormatException($"{fileName}:{commandLine}: command \"{line}\" must be followed by a \"{Separator}\" line");
            }
            i += 2;
            var expected = new List<string>();
            if (i < count && lines[i] == Separator)
            {
                // Doubled separators: everything up to "----" "----" is output, blank lines included.
                i++;
                while (true)
                {
                    if (i + 1 >= count)
                    {
                        throw new FormatException($"{fileName}:{commandLine}: output of \"{line}\" opened with \"{Separator}\" twice is never closed");
                    }
                    if (lines[i] == Separator && lines[i + 1] == Separator)
                    {
                        i += 2;
                        break;
                    }
                    expected.Add(lines[i]);
                    i++;
                }
            }
            else
            {
                while (i < count && !string.IsNullOrWhiteSpace(lines[i]))
                {
                    expected.Add(lines[i]);
                    i++;
                }
            }
            parts.Add(new ScenarioBlock(commandLine, line, string.Join('\n', expected)));
        }
        if (verbatim.Length > 0)
        {
            parts.Add(verbatim.ToString());
        }
        return new ScenarioScript(parts);
    }

    /// <summary>Writes the script back with <paramref name="outputs"/> (by block) in place of the expected outputs.</summary>
    public string Render(IReadOnlyDictionary<ScenarioBlock, string> outputs)
    {
        var text = new StringBuilder();
        foreach (var part in Parts)
        {
            if (part is string verbatim)
            {
                text.Append(verbatim);
                continue;
            }
            var block = (ScenarioBlock)part;
            var output = Normalize(outputs.TryGetValue(block, out var actual) ? actual : block.Expected);
            text.Append(block.Command).Append('\n').Append(Separator).Append('\n');
            if (output.Split('\n').Any(string.IsNullOrWhiteSpace) && output.Length > 0)
            {
                text.Append(Separator).Append('\n').Append(output).Append('\n')
                    .Append(Separator).Append('\n').Append(Separator).Append('\n');
            }
            else if (output.Length > 0)
            {
                text.Append(output).Append('\n');
            }
        }
        return text.ToString();
    }

    /// <summary>Output as compared and written: no trailing whitespace on lines, no trailing newlines.</summary>
    public static string Normalize(string output)
    {
        var lines = output.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n').Select(l => l.TrimEnd());
        return string.Join('\n', lines).TrimEnd('\n');
    }
}

/// <summary>One command of a scenario, the 1-based line it is on, and its expected output.</summary>
internal sealed record ScenarioBlock(int Line, string Command, string Expected);
