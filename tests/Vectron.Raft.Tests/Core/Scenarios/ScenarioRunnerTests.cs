namespace Vectron.Raft.Tests.Core.Scenarios;

public sealed class ScenarioRunnerTests
{
    private const string Script = """
        # A single voter elects itself.
        add-nodes 1 voters=(1)
        ----
        1: seed=1 voters=(1) Term:0 Commit:1 Applied:1 LastIndex:1

        campaign 1
        ----
        ok

        raft-state
        ----
        1: Leader (Voter) Term:1 Lead:1

        """;

    [Fact]
    public void Run_Passes_WhenEveryOutputMatches()
    {
        var result = ScenarioRunner.Run("single.txt", Script);

        Assert.Null(result.Failure);
        Assert.Equal(Script, result.Rewritten);
    }

    [Fact]
    public void Run_NamesFileLineCommandExpectedAndActual_WhenAnOutputDiffers()
    {
        var wrong = Script.Replace("1: Leader (Voter) Term:1 Lead:1", "1: Follower (Voter) Term:0 Lead:0", StringComparison.Ordinal);

        var result = ScenarioRunner.Run("single.txt", wrong);

        Assert.NotNull(result.Failure);
        Assert.StartsWith("single.txt:10: output of \"raft-state\" differs", result.Failure, StringComparison.Ordinal);
        Assert.Contains("expected:\n1: Follower (Voter) Term:0 Lead:0\nactual:\n1: Leader (Voter) Term:1 Lead:1", result.Failure, StringComparison.Ordinal);
        Assert.Equal(Script, result.Rewritten);
    }

    [Fact]
    public void Run_RewritesOnlyOutputs_KeepingCommentsAndBlankLines()
    {
        var stale = Script.Replace("ok\n", "something old\nover two lines\n", StringComparison.Ordinal);

        var result = ScenarioRunner.Run("single.txt", stale);

        Assert.NotNull(result.Failure);
        Assert.Equal(Script, result.Rewritten);
    }

    [Fact]
    public void Run_NamesTheLine_WhenACommandCannotRun()
    {
        var bad = Script.Replace("campaign 1", "campaign 1 typo=2", StringComparison.Ordinal);

        var e = Assert.Throws<ScenarioException>(() => ScenarioRunner.Run("single.txt", bad));

        Assert.StartsWith("single.txt:6: command \"campaign 1 typo=2\" failed", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ReadsOutputWithBlankLines_BetweenDoubledSeparators()
    {
        var script = ScenarioScript.Parse("x.txt", "cmd a\n----\n----\none\n\nthree\n----\n----\n\ncmd b\n----\nok\n");

        var blocks = script.Blocks.ToList();
        Assert.Equal(2, blocks.Count);
        Assert.Equal("one\n\nthree", blocks[0].Expected);
        Assert.Equal(new ScenarioBlock(10, "cmd b", "ok"), blocks[1]);
        Assert.Equal("cmd a\n----\n----\none\n\nthree\n----\n----\n\ncmd b\n----\nok\n", script.Render(new Dictionary<ScenarioBlock, string>()));
    }

    [Fact]
    public void Parse_Throws_WhenACommandHasNoSeparator()
    {
        var e = Assert.Throws<FormatException>(() => ScenarioScript.Parse("x.txt", "# c\ncmd a\nok\n"));

        Assert.StartsWith("x.txt:2:", e.Message, StringComparison.Ordinal);
    }
}
