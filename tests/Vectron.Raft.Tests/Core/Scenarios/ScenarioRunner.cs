using System.Text;

namespace Vectron.Raft.Tests.Core.Scenarios;

/// <summary>Runs a scenario script against a fresh <see cref="InteractionEnv"/> and compares outputs.</summary>
internal static class ScenarioRunner
{
    /// <summary>
    /// Runs every block of <paramref name="text"/>. The result holds the script rewritten with the
    /// actual outputs and, when any output differs, a failure message naming the file, line, command,
    /// expected and actual output of the first difference (and the lines of the others).
    /// </summary>
    /// <exception cref="ScenarioException">A command could not run (bad syntax, or the core threw).</exception>
    public static ScenarioResult Run(string fileName, string text)
    {
        var script = ScenarioScript.Parse(fileName, text);
        var env = new InteractionEnv();
        var outputs = new Dictionary<ScenarioBlock, string>();
        var mismatches = new List<(ScenarioBlock Block, string Actual)>();
        foreach (var block in script.Blocks)
        {
            string actual;
            try
            {
                actual = env.Execute(block.Command);
            }
            catch (Exception e) when (e is not ScenarioException)
            {
                throw new ScenarioException($"{fileName}:{block.Line}: command \"{block.Command}\" failed: {e}", e);
            }
            outputs[block] = actual;
            if (actual != ScenarioScript.Normalize(block.Expected))
            {
                mismatches.Add((block, actual));
            }
        }
        return new ScenarioResult(script.Render(outputs), Describe(fileName, mismatches));
    }

    private static string? Describe(string fileName, List<(ScenarioBlock Block, string Actual)> mismatches)
    {
        if (mismatches.Count == 0)
        {
            return null;
        }
        var (block, actual) = mismatches[0];
        var text = new StringBuilder();
        text.Append($"{fileName}:{block.Line}: output of \"{block.Command}\" differs").Append('\n');
        text.Append("expected:\n").Append(block.Expected).Append('\n');
        text.Append("actual:\n").Append(actual).Append('\n');
        if (mismatches.Count > 1)
        {
            text.Append($"{mismatches.Count - 1} later command(s) differ too, at lines ")
                .Append(string.Join(", ", mismatches.Skip(1).Select(m => m.Block.Line))).Append('\n');
        }
        text.Append("Run with VECTRON_REWRITE=1 to rewrite the expected output if the new output is right.");
        return text.ToString();
    }
}

/// <summary>The script with actual outputs, and the failure message (null when every output matched).</summary>
internal sealed record ScenarioResult(string Rewritten, string? Failure);
