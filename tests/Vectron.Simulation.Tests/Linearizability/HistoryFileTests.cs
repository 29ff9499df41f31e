using System.Text;
using Vectron.Simulation.Linearizability;
using static Vectron.Simulation.Linearizability.Histories;

namespace Vectron.Simulation.Tests.Linearizability;

/// <summary>The plain-text history file: its exact layout for a small illegal history, and that it lands on disk.</summary>
public sealed class HistoryFileTests
{
    /// <summary>A stale read on one key of two gives the header, that key's operations, its longest linearization and the culprit.</summary>
    [Fact]
    public void Format_IllegalHistory_ShowsVerdictOperationsLinearizationAndCulprit()
    {
        var history = SmallIllegalHistory();
        var result = LinearizabilityChecker.Check(history);

        string text = HistoryFile.Format(history, result, seed: 42);

        Assert.Equal(
            """
            linearizability history
            seed: 42
            verdict: Illegal
            failing key: k7
            operations: 6 on 2 keys, 1 unknown
            steps: 14

            key k7: Illegal after 12 steps
            operations by invocation time:
              #0  [call t= 0  return t= 2] client  1  write(k7, "a") -> ok
              #2  [call t= 3  return t= 5] client  3  cas(k7, "a" -> "b") -> true
              #3  [call t= 4  unknown    ] client  2  write(k7, "c") -> ?
              #5  [call t= 8  return t=10] client 12  read(k7) -> "a"
            longest linearization (2 of 3 completed operations), with the state after each:
              1. #0  [call t= 0  return t= 2] client  1  write(k7, "a") -> ok  => "a"
              2. #2  [call t= 3  return t= 5] client  3  cas(k7, "a" -> "b") -> true  => "b"
            first operation that could not be linearized:
              #5  [call t= 8  return t=10] client 12  read(k7) -> "a"
            not linearized: #5

            """,
            text);
    }

    /// <summary>Write puts exactly the formatted text in the file, with no byte-order mark.</summary>
    [Fact]
    public void Write_CreatesFileWithFormattedText()
    {
        var history = SmallIllegalHistory();
        var result = LinearizabilityChecker.Check(history);
        string path = Path.Join(Path.GetTempPath(), $"vectron-history-file-test-{Guid.NewGuid():N}.txt");
        try
        {
            HistoryFile.Write(path, history, result, seed: 42);

            Assert.Equal(Encoding.UTF8.GetBytes(HistoryFile.Format(history, result, seed: 42)), File.ReadAllBytes(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>A linearizable history gives only the header, with no seed line when none is given.</summary>
    [Fact]
    public void Format_LinearizableHistory_IsHeaderOnly()
    {
        var history = Build(Write(1, "x", "a", call: 0, returned: 1), Read(2, "x", "a", call: 2, returned: 3));

        string text = HistoryFile.Format(history, LinearizabilityChecker.Check(history));

        Assert.Equal("linearizability history\nverdict: Ok\nfailing key: none\noperations: 2 on 1 key, 0 unknown\nsteps: 2\n", text);
    }

    private static History SmallIllegalHistory() => Build(
        Write(1, "k7", "a", call: 0, returned: 2),
        Write(2, "y", "1", call: 1, returned: 3),
        CompareAndSet(3, "k7", "a", "b", true, call: 3, returned: 5),
        Write(2, "k7", "c", call: 4, returned: null),
        Read(1, "y", "1", call: 6, returned: 7),
        Read(12, "k7", "a", call: 8, returned: 10));
}
