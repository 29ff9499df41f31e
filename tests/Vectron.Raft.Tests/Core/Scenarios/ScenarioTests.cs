using System.Reflection;

namespace Vectron.Raft.Tests.Core.Scenarios;

/// <summary>
/// Runs every script in Core/Scenarios/testdata (the copies in the output folder). With
/// VECTRON_REWRITE=1 the scripts in the source folder are rewritten with the actual outputs instead
/// of failing: review the diff before committing it.
/// </summary>
public sealed class ScenarioTests
{
    private static string OutputDirectory => Path.Combine(AppContext.BaseDirectory, "Core", "Scenarios", "testdata");

    private static bool Rewrite => Environment.GetEnvironmentVariable("VECTRON_REWRITE") == "1";

    public static TheoryData<string> Files()
    {
        // Rewriting works on the source folder, so a script added since the last build is run too.
        var files = new TheoryData<string>();
        foreach (var path in Directory.GetFiles(Rewrite ? SourceDirectory() : OutputDirectory, "*.txt").Order(StringComparer.Ordinal))
        {
            files.Add(Path.GetFileName(path));
        }
        return files;
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Scenario_PrintsTheExpectedOutput(string file)
    {
        // Rewriting reads the source script, not the copy in the output folder, so an edit made
        // since the last build is kept rather than overwritten.
        var path = Path.Combine(Rewrite ? SourceDirectory() : OutputDirectory, file);
        var result = ScenarioRunner.Run(file, File.ReadAllText(path));

        if (Rewrite)
        {
            File.WriteAllText(path, result.Rewritten);
            return;
        }
        if (result.Failure is { } failure)
        {
            Assert.Fail(failure);
        }
    }

    private static string SourceDirectory()
    {
        var attribute = typeof(ScenarioTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "ScenarioSourceDirectory");
        return attribute.Value ?? throw new InvalidOperationException("ScenarioSourceDirectory has no value");
    }
}
