using System.Globalization;
using System.Text;

namespace Vectron.Simulation.Linearizability;

/// <summary>How values and operations are written in diagnostics: values quoted, absent as <c>absent</c>.</summary>
internal static class OperationText
{
    /// <summary>A value in double quotes with <c>\</c>, <c>"</c> and control characters escaped, or <c>absent</c>.</summary>
    public static string Value(string? value)
    {
        if (value is null)
        {
            return "absent";
        }

        var text = new StringBuilder(value.Length + 2);
        text.Append('"');
        foreach (char character in value)
        {
            switch (character)
            {
                case '"':
                    text.Append("\\\"");
                    break;
                case '\\':
                    text.Append("\\\\");
                    break;
                case '\n':
                    text.Append("\\n");
                    break;
                case '\r':
                    text.Append("\\r");
                    break;
                case '\t':
                    text.Append("\\t");
                    break;
                default:
                    if (char.IsControl(character))
                    {
                        text.Append(CultureInfo.InvariantCulture, $"\\u{(int)character:x4}");
                    }
                    else
                    {
                        text.Append(character);
                    }

                    break;
            }
        }

        text.Append('"');
        return text.ToString();
    }

    /// <summary>An operation's input and output, e.g. <c>cas(k7, "a" -> "b") -> true</c>; <c>-> ?</c> when unknown.</summary>
    public static string Call(Operation operation)
    {
        string output = operation.Output?.ToString(operation.Input.Kind) ?? "?";
        return $"{operation.Input} -> {output}";
    }
}
