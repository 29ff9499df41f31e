using System.Text.Json;

namespace Vectron.Server.Model;

/// <summary>JSON kinds in words, for error messages ("expected an object, not an array").</summary>
public static class JsonKinds
{
    /// <summary>The kind with its article: "an object", "a string", "null"; "nothing" for a missing value.</summary>
    public static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };
}
