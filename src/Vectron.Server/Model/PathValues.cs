using System.Text.Json;

namespace Vectron.Server.Model;

/// <summary>The values found at a <see cref="JsonPath"/>: none, one (no allocation), or a list.</summary>
internal readonly struct PathValues
{
    private readonly JsonElement _single;
    private readonly List<JsonElement>? _many;

    public PathValues(JsonElement single)
    {
        _single = single;
        Count = 1;
    }

    public PathValues(List<JsonElement> many)
    {
        _many = many;
        Count = many.Count;
    }

    public int Count { get; }

    public JsonElement this[int index] => _many is null ? _single : _many[index];
}
