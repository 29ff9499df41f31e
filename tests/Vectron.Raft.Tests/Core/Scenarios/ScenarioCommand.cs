using System.Globalization;

namespace Vectron.Raft.Tests.Core.Scenarios;

/// <summary>
/// A parsed command line: a name, positional arguments and key=value arguments. A parenthesised
/// group is one token, so "voters=(1 2 3)" and "(1,2,3)" each stay whole; their items are split on
/// spaces and commas by <see cref="List"/>.
/// </summary>
internal sealed class ScenarioCommand
{
    private readonly Dictionary<string, string> _named;
    private readonly HashSet<string> _used = [];

    private ScenarioCommand(string name, List<string> positional, Dictionary<string, string> named)
    {
        Name = name;
        Positional = positional;
        _named = named;
    }

    public string Name { get; }

    public IReadOnlyList<string> Positional { get; }

    /// <exception cref="FormatException">Unbalanced parentheses or a repeated key.</exception>
    public static ScenarioCommand Parse(string line)
    {
        var tokens = Tokenize(line);
        if (tokens.Count == 0)
        {
            throw new FormatException("empty command");
        }
        var positional = new List<string>();
        var named = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var token in tokens.Skip(1))
        {
            var equals = token.IndexOf('=', StringComparison.Ordinal);
            var paren = token.IndexOf('(', StringComparison.Ordinal);
            if (equals > 0 && (paren < 0 || equals < paren))
            {
                var key = token[..equals];
                if (!named.TryAdd(key, token[(equals + 1)..]))
                {
                    throw new FormatException($"argument {key} is given twice");
                }
            }
            else
            {
                positional.Add(token);
            }
        }
        return new ScenarioCommand(tokens[0], positional, named);
    }

    private static List<string> Tokenize(string line)
    {
        var tokens = new List<string>();
        var current = new System.Text.StringBuilder();
        var depth = 0;
        foreach (var c in line)
        {
            if (c == '(')
            {
                depth++;
            }
            else if (c == ')')
            {
                depth--;
                if (depth < 0)
                {
                    throw new FormatException($"unbalanced ')' in \"{line}\"");
                }
            }
            if (char.IsWhiteSpace(c) && depth == 0)
            {
                if (current.Length > 0)
                {
                    tokens.Add(current.ToString());
                    current.Clear();
                }
                continue;
            }
            current.Append(c);
        }
        if (depth != 0)
        {
            throw new FormatException($"unbalanced '(' in \"{line}\"");
        }
        if (current.Length > 0)
        {
            tokens.Add(current.ToString());
        }
        return tokens;
    }

    public string? Text(string key)
    {
        _used.Add(key);
        return _named.TryGetValue(key, out var value) ? value : null;
    }

    public ulong Id(string key) => ulong.Parse(Require(key), CultureInfo.InvariantCulture);

    public ulong? OptionalUInt64(string key) => Text(key) is { } text ? ulong.Parse(text, CultureInfo.InvariantCulture) : null;

    public long? OptionalInt64(string key) => Text(key) is { } text ? long.Parse(text, CultureInfo.InvariantCulture) : null;

    public int? OptionalInt32(string key) => Text(key) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : null;

    public bool? OptionalBool(string key) => Text(key) is { } text ? bool.Parse(text) : null;

    /// <summary>The items of a list argument such as "voters=(1 2 3)"; empty when absent.</summary>
    public IReadOnlyList<ulong> Ids(string key) => Text(key) is { } text ? List(text) : [];

    public string Require(string key) => Text(key) ?? throw new FormatException($"{Name} needs {key}=");

    /// <summary>The positional argument at <paramref name="index"/> as a node id.</summary>
    public ulong PositionalId(int index)
    {
        if (index >= Positional.Count)
        {
            throw new FormatException($"{Name} needs at least {index + 1} positional argument(s)");
        }
        return ulong.Parse(Positional[index], CultureInfo.InvariantCulture);
    }

    /// <summary>Every positional argument as a node id (each may be a group such as "(1 2)").</summary>
    public List<ulong> PositionalIds()
    {
        var ids = new List<ulong>();
        foreach (var token in Positional)
        {
            ids.AddRange(List(token));
        }
        return ids;
    }

    public static List<ulong> List(string text) =>
        [.. text.Trim('(', ')').Split([' ', ','], StringSplitOptions.RemoveEmptyEntries).Select(s => ulong.Parse(s, CultureInfo.InvariantCulture))];

    /// <summary>Throws when a key=value argument was given that the command never read (a typo would otherwise pass silently).</summary>
    public void RejectUnknownArguments()
    {
        foreach (var key in _named.Keys)
        {
            if (!_used.Contains(key))
            {
                throw new FormatException($"{Name} does not take {key}=");
            }
        }
    }
}
