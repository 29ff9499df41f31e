using System.Text.Json;

namespace Vectron.Server.Model;

/// <summary>A test of one (non-array) payload value: a match or a range clause.</summary>
internal interface IValueTest
{
    /// <summary>Whether <paramref name="value"/> satisfies the clause.</summary>
    bool MatchesValue(JsonElement value);
}
