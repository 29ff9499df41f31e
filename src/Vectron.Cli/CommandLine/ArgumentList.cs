using System.Globalization;

namespace Vectron.Cli.CommandLine;

/// <summary>
/// The options of one command, parsed from <c>--name value</c>, <c>--name=value</c> and <c>--flag</c>
/// tokens against the command's declared options. Unknown options, repeated options, missing values
/// and stray positional arguments are usage errors that name the command.
/// </summary>
internal sealed class ArgumentList
{
    private readonly string _command;
    private readonly Dictionary<string, string> _values;
    private readonly HashSet<string> _flags;

    private ArgumentList(string command, Dictionary<string, string> values, HashSet<string> flags)
    {
        _command = command;
        _values = values;
        _flags = flags;
    }

    /// <summary>Whether <c>--help</c> or <c>-h</c> appears anywhere in <paramref name="arguments"/>.</summary>
    public static bool WantsHelp(IReadOnlyList<string> arguments)
    {
        foreach (string argument in arguments)
        {
            if (argument is "--help" or "-h" or "-?")
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Parses <paramref name="arguments"/>; option names are given without the leading dashes.</summary>
    /// <exception cref="CliException">The arguments do not fit the declared options.</exception>
    public static ArgumentList Parse(string command, IReadOnlyList<string> arguments, IReadOnlySet<string> valueOptions, IReadOnlySet<string> flagOptions)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var flags = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < arguments.Count; i++)
        {
            string token = arguments[i];
            if (!token.StartsWith("--", StringComparison.Ordinal) || token.Length == 2)
            {
                throw CliException.Usage($"unexpected argument '{token}' for '{command}'; options start with '--' (see '{command} --help').");
            }

            string name = token[2..];
            string? inlineValue = null;
            int equals = name.IndexOf('=', StringComparison.Ordinal);
            if (equals >= 0)
            {
                inlineValue = name[(equals + 1)..];
                name = name[..equals];
            }

            if (flagOptions.Contains(name))
            {
                if (inlineValue is not null)
                {
                    throw CliException.Usage($"option --{name} of '{command}' is a switch and takes no value.");
                }

                if (!flags.Add(name))
                {
                    throw CliException.Usage($"option --{name} is given twice.");
                }

                continue;
            }

            if (!valueOptions.Contains(name))
            {
                throw CliException.Usage($"unknown option '--{name}' for '{command}' (see '{command} --help').");
            }

            string value;
            if (inlineValue is not null)
            {
                value = inlineValue;
            }
            else if (i + 1 < arguments.Count && !IsOptionName(arguments[i + 1], valueOptions, flagOptions))
            {
                value = arguments[++i];
            }
            else
            {
                throw CliException.Usage($"option --{name} needs a value (see '{command} --help').");
            }

            if (!values.TryAdd(name, value))
            {
                throw CliException.Usage($"option --{name} is given twice.");
            }
        }

        return new ArgumentList(command, values, flags);
    }

    /// <summary>Whether the switch <c>--<paramref name="name"/></c> was given.</summary>
    public bool Has(string name) => _flags.Contains(name) || _values.ContainsKey(name);

    /// <summary>The value of an option, or <see langword="null"/> when absent.</summary>
    public string? GetString(string name) => _values.TryGetValue(name, out string? value) ? value : null;

    /// <summary>The value of an option that must be given.</summary>
    public string GetRequiredString(string name) =>
        GetString(name) ?? throw CliException.Usage($"'{_command}' needs --{name} (see '{_command} --help').");

    /// <summary>A whole number between <paramref name="minimum"/> and <paramref name="maximum"/>, or the default when absent.</summary>
    public int GetInt32(string name, int defaultValue, int minimum, int maximum)
    {
        string? text = GetString(name);
        return text is null ? defaultValue : ParseInt32(name, text, minimum, maximum);
    }

    /// <summary>A decimal number between <paramref name="minimum"/> and <paramref name="maximum"/>, or the default when absent.</summary>
    public double GetDouble(string name, double defaultValue, double minimum, double maximum)
    {
        string? text = GetString(name);
        if (text is null)
        {
            return defaultValue;
        }

        return ParseDouble(name, text, minimum, maximum);
    }

    /// <summary>An unsigned 64-bit number (decimal, or hexadecimal with a 0x prefix), or the default when absent.</summary>
    public ulong GetUInt64(string name, ulong defaultValue)
    {
        string? text = GetString(name);
        if (text is null)
        {
            return defaultValue;
        }

        bool parsed = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? ulong.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong value)
            : ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
        return parsed ? value : throw CliException.Usage($"--{name}: expected a non-negative whole number, got '{text}'.");
    }

    /// <summary>A comma-separated list of whole numbers in range, or the default when absent.</summary>
    public int[] GetInt32List(string name, int[] defaultValue, int minimum, int maximum) =>
        GetList(name, defaultValue, "whole numbers", part => ParseInt32(name, part, minimum, maximum));

    /// <summary>A comma-separated list of decimal numbers in range, or the default when absent.</summary>
    public double[] GetDoubleList(string name, double[] defaultValue, double minimum, double maximum) =>
        GetList(name, defaultValue, "numbers", part => ParseDouble(name, part, minimum, maximum));

    /// <summary>One of <paramref name="allowed"/> (compared ignoring case, returned in lower case), or the default when absent.</summary>
    public string GetChoice(string name, string defaultValue, params string[] allowed)
    {
        string? text = GetString(name);
        if (text is null)
        {
            return defaultValue;
        }

        foreach (string choice in allowed)
        {
            if (string.Equals(choice, text, StringComparison.OrdinalIgnoreCase))
            {
                return choice;
            }
        }

        throw CliException.Usage($"--{name}: expected one of {string.Join(", ", allowed)}, got '{text}'.");
    }

    /// <summary>Parses a whole number in range; the error names the option.</summary>
    public static int ParseInt32(string name, string text, int minimum, int maximum)
    {
        if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value))
        {
            throw CliException.Usage($"--{name}: expected a whole number, got '{text}'.");
        }

        if (value < minimum || value > maximum)
        {
            throw CliException.Usage($"--{name}: {value} is out of range; it must be between {minimum} and {maximum}.");
        }

        return value;
    }

    /// <summary>Parses a finite decimal number in range; the error names the option.</summary>
    public static double ParseDouble(string name, string text, double minimum, double maximum)
    {
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value))
        {
            throw CliException.Usage($"--{name}: expected a number, got '{text}'.");
        }

        if (value < minimum || value > maximum)
        {
            throw CliException.Usage($"--{name}: {value.ToString(CultureInfo.InvariantCulture)} is out of range; it must be between {minimum.ToString(CultureInfo.InvariantCulture)} and {maximum.ToString(CultureInfo.InvariantCulture)}.");
        }

        return value;
    }

    private T[] GetList<T>(string name, T[] defaultValue, string items, Func<string, T> parse)
    {
        string? text = GetString(name);
        if (text is null)
        {
            return defaultValue;
        }

        string[] parts = text.Split(',', StringSplitOptions.TrimEntries);
        var result = new T[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (parts[i].Length == 0)
            {
                throw CliException.Usage($"--{name}: expected a comma-separated list of {items}, got '{text}'.");
            }

            result[i] = parse(parts[i]);
        }

        return result;
    }

    private static bool IsOptionName(string token, IReadOnlySet<string> valueOptions, IReadOnlySet<string> flagOptions)
    {
        if (!token.StartsWith("--", StringComparison.Ordinal))
        {
            return false;
        }

        string name = token[2..];
        int equals = name.IndexOf('=', StringComparison.Ordinal);
        if (equals >= 0)
        {
            name = name[..equals];
        }

        return valueOptions.Contains(name) || flagOptions.Contains(name) || name is "help";
    }
}
