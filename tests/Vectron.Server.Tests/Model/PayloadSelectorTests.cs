using System.Text.Json;
using Vectron.Server.Model;

namespace Vectron.Server.Tests.Model;

public sealed class PayloadSelectorTests
{
    private static JsonElement Json(string text)
    {
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    [Theory]
    [InlineData("true", """{"a":1,"b":{"c":2,"d":3},"e":[1]}""")]
    [InlineData("false", null)]
    [InlineData("""["a", "b.c"]""", """{"a":1,"b":{"c":2}}""")]
    [InlineData("""{"include": ["e", "missing"]}""", """{"e":[1]}""")]
    [InlineData("""{"exclude": ["a", "b.d"]}""", """{"b":{"c":2},"e":[1]}""")]
    public void Select_ReturnsTheChosenPart(string selector, string? expected)
    {
        JsonElement? selected = PayloadSelector.Parse(Json(selector)).Select(Json("""{"a":1,"b":{"c":2,"d":3},"e":[1]}"""));
        Assert.Equal(expected, selected?.GetRawText().Replace(" ", "", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("3", "with_payload: expected a boolean")]
    [InlineData("""[1]""", "with_payload[0]: expected a string")]
    [InlineData("""{"include": ["a"], "exclude": ["b"]}""", "with_payload.exclude: with_payload has either include or exclude")]
    [InlineData("""{"only": []}""", "with_payload.only: unknown field")]
    [InlineData("""{"include": "a"}""", "with_payload.include: expected an array of keys")]
    [InlineData("""["a..b"]""", "with_payload[0]: empty name")]
    public void Parse_NamesTheBadField(string json, string expected)
    {
        var error = Assert.Throws<RequestException>(() => PayloadSelector.Parse(Json(json)));
        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
    }
}
