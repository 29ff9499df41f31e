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
    // Qdrant keeps every part of the payload whose path and an include key are prefixes of each other,
    // walking arrays element by element ([] in a key selects from every element, [n] from one).
    [InlineData("""["a[].b"]""", """{"a":[{"b":1},{}]}""")]
    [InlineData("""["a[].b", "a[].c"]""", """{"a":[{"b":1,"c":2},{"c":3}]}""")]
    [InlineData("""["a[1].c"]""", """{"a":[{"c":3}]}""")]
    [InlineData("""["a"]""", """{"a":[{"b":1,"c":2},{"c":3}]}""")]
    [InlineData("""["a.b"]""", """{"a":[]}""")]
    [InlineData("""["s.t"]""", """{"s":5}""")]
    [InlineData("""["o[].x"]""", """{"o":{}}""")]
    [InlineData("""["z", "o.p"]""", """{"o":{"p":[1]},"z":1}""")]
    public void Include_ProjectsArrayElements_AsQdrantDoes(string include, string expected)
    {
        JsonElement? selected = PayloadSelector.Parse(Json(include)).Select(Json("""{"o":{"p":[1],"q":2},"a":[{"b":1,"c":2},{"c":3}],"s":5,"z":1}"""));
        Assert.Equal(expected, selected?.GetRawText());
    }

    [Fact]
    public void Select_WorksOnPayloadsAsDeepAsAShardStores()
    {
        // set_payload with a long key nests a payload up to PayloadPaths.MaxDepth (256) levels; a read
        // with include or exclude must not fail on it (JsonNode.Parse stops at 64 by default).
        string deep = string.Concat(Enumerable.Repeat("{\"k\": ", 200)) + "1" + new string('}', 200);
        using var document = JsonDocument.Parse("{\"a\": 1, \"d\": " + deep + "}", new JsonDocumentOptions { MaxDepth = 256 });
        JsonElement payload = document.RootElement.Clone();
        Assert.Equal("""{"a":1}""", PayloadSelector.Parse(Json("""["a"]""")).Select(payload)?.GetRawText());
        Assert.Equal("""{"a":1}""", PayloadSelector.Parse(Json("""{"exclude": ["d"]}""")).Select(payload)?.GetRawText());
        Assert.StartsWith("""{"d":{"k":{"k":""", PayloadSelector.Parse(Json("""{"include": ["d"]}""")).Select(payload)?.GetRawText(), StringComparison.Ordinal);
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
