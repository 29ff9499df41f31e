using System.Globalization;
using System.Text;

namespace Vectron.Simulation.Linearizability;

/// <summary>Writes a checked history as plain text for a person to read: the verdict, then each failing key's operations and diagnosis.</summary>
/// <remarks>
/// The layout, with <c>\n</c> line ends whatever the platform (the seed line only when a seed is given; one section per
/// key that is not Ok):
/// <code>
/// linearizability history
/// seed: 42
/// verdict: Illegal
/// failing key: k7
/// operations: 6 on 2 keys, 1 unknown
/// steps: 14
///
/// key k7: Illegal after 12 steps
/// operations by invocation time:
///   #0  [call t= 0  return t= 2] client  1  write(k7, "a") -> ok
///   #2  [call t= 3  return t= 5] client  3  cas(k7, "a" -> "b") -> true
///   #3  [call t= 4  unknown    ] client  2  write(k7, "c") -> ?
///   #5  [call t= 8  return t=10] client 12  read(k7) -> "a"
/// longest linearization (2 of 3 completed operations), with the state after each:
///   1. #0  [call t= 0  return t= 2] client  1  write(k7, "a") -> ok  => "a"
///   2. #2  [call t= 3  return t= 5] client  3  cas(k7, "a" -> "b") -> true  => "b"
/// first operation that could not be linearized:
///   #5  [call t= 8  return t=10] client 12  read(k7) -> "a"
/// not linearized: #5
/// </code>
/// Ids, times and clients are aligned per key; values are quoted, a missing value is <c>absent</c>, and an operation
/// whose outcome is unknown shows <c>unknown</c> for its return and <c>?</c> for its output. Not meant to be parsed back.
/// </remarks>
internal static class HistoryFile
{
    /// <summary>Writes <see cref="Format"/>'s text to <paramref name="path"/>, replacing any file there.</summary>
    public static void Write(string path, History history, CheckResult result, ulong? seed = null) =>
        File.WriteAllText(path, Format(history, result, seed), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));

    /// <summary>The text <see cref="Write"/> writes for <paramref name="history"/> checked as <paramref name="result"/>.</summary>
    public static string Format(History history, CheckResult result, ulong? seed = null)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(result);

        var keys = new HashSet<string>(StringComparer.Ordinal);
        int unknown = 0;
        foreach (var operation in history.Operations)
        {
            keys.Add(operation.Input.Key);
            if (operation.IsUnknown)
            {
                unknown++;
            }
        }

        var text = new StringBuilder();
        Line(text, "linearizability history");
        if (seed is ulong value)
        {
            Line(text, $"seed: {value}");
        }

        Line(text, $"verdict: {result.Verdict}");
        Line(text, $"failing key: {result.FailingKey ?? "none"}");
        Line(text, $"operations: {history.Operations.Count} on {keys.Count} {(keys.Count == 1 ? "key" : "keys")}, {unknown} unknown");
        Line(text, $"steps: {result.Steps}");
        foreach (var failure in result.Failures)
        {
            Line(text, string.Empty);
            AppendFailure(text, history, failure);
        }

        return text.ToString();
    }

    private static void AppendFailure(StringBuilder text, History history, KeyFailure failure)
    {
        var operations = new List<Operation>();
        foreach (var operation in history.Operations)
        {
            if (string.Equals(operation.Input.Key, failure.Key, StringComparison.Ordinal))
            {
                operations.Add(operation);
            }
        }

        var columns = Columns.For(operations);
        string reason = failure.Verdict == Verdict.Unknown ? " (step budget exhausted)" : string.Empty;
        Line(text, $"key {failure.Key}: {failure.Verdict} after {failure.Steps} steps{reason}");
        Line(text, "operations by invocation time:");
        foreach (var operation in operations)
        {
            Line(text, $"  {columns.Describe(operation)}");
        }

        int completed = 0;
        foreach (var operation in operations)
        {
            if (!operation.IsUnknown)
            {
                completed++;
            }
        }

        int linearizedCompleted = completed - failure.NotLinearized.Count;
        Line(text, $"longest linearization ({linearizedCompleted} of {completed} completed operations), with the state after each:");
        if (failure.LongestLinearization.Count == 0)
        {
            Line(text, "  (none)");
        }

        string? state = KeyValueModel.InitialState;
        int orderWidth = Digits(failure.LongestLinearization.Count);
        for (int position = 0; position < failure.LongestLinearization.Count; position++)
        {
            var operation = failure.LongestLinearization[position];
            state = KeyValueModel.Step(state, operation.Input, operation.Output).State;
            string order = (position + 1).ToString(CultureInfo.InvariantCulture).PadLeft(orderWidth);
            Line(text, $"  {order}. {columns.Describe(operation)}  => {OperationText.Value(state)}");
        }

        Line(text, "first operation that could not be linearized:");
        Line(text, failure.FirstNotLinearized is null ? "  (none: the search stopped first)" : $"  {columns.Describe(failure.FirstNotLinearized)}");
        var ids = new StringBuilder();
        foreach (var operation in failure.NotLinearized)
        {
            ids.Append(ids.Length == 0 ? "#" : ", #").Append(operation.Id.ToString(CultureInfo.InvariantCulture));
        }

        Line(text, $"not linearized: {(ids.Length == 0 ? "none" : ids.ToString())}");
    }

    private static void Line(StringBuilder text, string line) => text.Append(line).Append('\n');

    private static int Digits(long value) => value.ToString(CultureInfo.InvariantCulture).Length;

    // Column widths for one key's operations, so ids, times and clients line up.
    private readonly record struct Columns(int Id, int Time, int Client)
    {
        public static Columns For(List<Operation> operations)
        {
            int id = 1, time = 1, client = 1;
            foreach (var operation in operations)
            {
                id = Math.Max(id, Digits(operation.Id));
                time = Math.Max(time, Math.Max(Digits(operation.CallTime), Digits(operation.ReturnTime ?? 0)));
                client = Math.Max(client, Digits(operation.ClientId));
            }

            return new Columns(id, time, client);
        }

        public string Describe(Operation operation)
        {
            string id = ("#" + operation.Id.ToString(CultureInfo.InvariantCulture)).PadRight(Id + 1);
            string call = operation.CallTime.ToString(CultureInfo.InvariantCulture).PadLeft(Time);
            string returned = operation.ReturnTime is long returnTime
                ? "return t=" + returnTime.ToString(CultureInfo.InvariantCulture).PadLeft(Time)
                : "unknown".PadRight("return t=".Length + Time);
            string client = operation.ClientId.ToString(CultureInfo.InvariantCulture).PadLeft(Client);
            return $"{id}  [call t={call}  {returned}] client {client}  {OperationText.Call(operation)}";
        }
    }
}
