using Vectron.Server.Model;

namespace Vectron.Server.Tests.Model;

public sealed class FilterParseTests
{
    [Theory]
    [InlineData("""{"must": [{"key": "city", "match": {"value": "London"}}]}""")]
    [InlineData("""{"must": {"key": "count", "match": {"value": 3}}}""")]
    [InlineData("""{"should": [{"key": "flag", "match": {"value": true}}, {"key": "tags[]", "match": {"any": ["a", "b"]}}]}""")]
    [InlineData("""{"must_not": [{"key": "n", "match": {"except": [1, 2]}}]}""")]
    [InlineData("""{"must": [{"key": "text", "match": {"text": "quick"}}]}""")]
    [InlineData("""{"must": [{"key": "price", "range": {"gt": 1, "gte": 2, "lt": 10.5, "lte": 11}}]}""")]
    [InlineData("""{"must": [{"key": "at", "range": {"gte": "2024-01-01T00:00:00Z", "lt": "2024-02-01"}}]}""")]
    [InlineData("""{"must": [{"is_empty": {"key": "a.b"}}, {"is_null": {"key": "c"}}, {"has_id": [1, "550e8400-e29b-41d4-a716-446655440000"]}]}""")]
    [InlineData("""{"must": [{"must": [{"key": "x", "match": {"value": 1}}], "must_not": [{"key": "y", "values_count": {"gt": 2}}]}]}""")]
    [InlineData("""{"min_should": {"conditions": [{"key": "a", "match": {"value": 1}}, {"key": "b", "match": {"value": 2}}], "min_count": 1}}""")]
    [InlineData("""{"must": [{"nested": {"key": "diet", "filter": {"must": [{"key": "food", "match": {"value": "meat"}}]}}}]}""")]
    [InlineData("""{"must": [{"key": "\"odd.key\".x[0]", "match": {"value": "v"}}]}""")]
    [InlineData("""{"must": [{"key": "\"\"", "match": {"value": "v"}}, {"key": "a.\"\".b", "match": {"value": 1}}]}""")]
    [InlineData("""{"must": null, "should": null, "must_not": null, "min_should": null}""")]
    [InlineData("""{}""")]
    public void Parse_AcceptsEveryConstruct_AndItsCanonicalJsonParsesToTheSameFilter(string json)
    {
        Filter filter = Filter.Parse(json);
        string canonical = filter.ToString();
        Assert.Equal(canonical, Filter.Parse(canonical).ToString());
    }

    [Theory]
    [InlineData("""[]""", "filter: expected an object, got an array")]
    [InlineData("""{"mst": []}""", "filter.mst: unknown field")]
    [InlineData("""{"must": 3}""", "filter.must: expected a condition or an array of conditions, got a number")]
    [InlineData("""{"must": [{"key": "a", "match": {"value": 1}}, {"key": "b", "range": {"gt": "x"}}]}""", "filter.must[1].range.gt: expected a number or an RFC 3339 datetime")]
    [InlineData("""{"must": [{"key": "b", "range": {"gt": true}}]}""", "filter.must[0].range.gt: expected a number or an RFC 3339 datetime, got true")]
    [InlineData("""{"must": [{"key": "b", "range": {"gt": 1, "lt": "2024-01-01"}}]}""", "filter.must[0].range.lt: expected a number, got the string")]
    [InlineData("""{"must": [{"key": "b", "range": {"gte": "2024-01-01", "lt": 5}}]}""", "filter.must[0].range.lt: expected an RFC 3339 datetime like the other bounds")]
    [InlineData("""{"must": [{"key": "b", "range": {"between": 1}}]}""", "filter.must[0].range.between: unknown field")]
    [InlineData("""{"should": [{"key": "b", "match": {"value": 1.5}}]}""", "filter.should[0].match.value: expected a string, an integer or a boolean, got 1.5")]
    [InlineData("""{"should": [{"key": "b", "match": {"value": null}}]}""", "filter.should[0].match.value: expected a string, an integer or a boolean, got null")]
    [InlineData("""{"should": [{"key": "b", "match": {"any": ["a", 1]}}]}""", "filter.should[0].match.any[1]: expected a string like the elements before it")]
    [InlineData("""{"should": [{"key": "b", "match": {"any": [1, "a"]}}]}""", "filter.should[0].match.any[1]: expected an integer like the elements before it")]
    [InlineData("""{"should": [{"key": "b", "match": {"except": "a"}}]}""", "filter.should[0].match.except: expected an array of strings or of integers")]
    [InlineData("""{"should": [{"key": "b", "match": {"text": 5}}]}""", "filter.should[0].match.text: expected a string, got 5")]
    [InlineData("""{"should": [{"key": "b", "match": {"value": 1, "any": [1]}}]}""", "filter.should[0].match.any: a match has exactly one of")]
    [InlineData("""{"should": [{"key": "b", "match": {}}]}""", "filter.should[0].match: a match needs one of")]
    [InlineData("""{"should": [{"key": "b", "match": {"like": "x"}}]}""", "filter.should[0].match.like: unknown field")]
    [InlineData("""{"must_not": [{"key": 5, "match": {"value": 1}}]}""", "filter.must_not[0].key: expected a string, got 5")]
    [InlineData("""{"must_not": [{"key": "a..b", "match": {"value": 1}}]}""", "filter.must_not[0].key: empty name")]
    [InlineData("""{"must_not": [{"key": "a[x]", "match": {"value": 1}}]}""", "filter.must_not[0].key: expected [] or [number]")]
    [InlineData("""{"must_not": [{"key": "a"}]}""", "filter.must_not[0]: a field condition needs match, range or values_count")]
    [InlineData("""{"must_not": [{"key": "a", "match": {"value": 1}, "color": 1}]}""", "filter.must_not[0].color: unknown field")]
    [InlineData("""{"must_not": [{"key": "a", "geo_radius": {"center": {}}}]}""", "filter.must_not[0].geo_radius: geo conditions are not supported")]
    [InlineData("""{"must": [{"is_empty": {"field": "a"}}]}""", "filter.must[0].is_empty.field: unknown field; expected only key")]
    [InlineData("""{"must": [{"is_null": {}}]}""", "filter.must[0].is_null.key: missing")]
    [InlineData("""{"must": [{"is_null": "a"}]}""", "filter.must[0].is_null: expected an object")]
    [InlineData("""{"must": [{"has_id": [1, -2]}]}""", "filter.must[0].has_id[1]: expected an unsigned integer or a UUID string")]
    [InlineData("""{"must": [{"has_id": 1}]}""", "filter.must[0].has_id: expected an array of point ids")]
    [InlineData("""{"must": [{"has_id": [1], "is_null": {"key": "a"}}]}""", "filter.must[0].is_null: unexpected beside has_id")]
    [InlineData("""{"must": [{"nested": {"key": "a"}}]}""", "filter.must[0].nested.filter: missing")]
    [InlineData("""{"must": [{"nested": {"key": "a", "filter": {"must": [{"key": "b", "range": {"lt": "no"}}]}}}]}""", "filter.must[0].nested.filter.must[0].range.lt: expected a number or an RFC 3339 datetime")]
    [InlineData("""{"must": [{"must": [{"should": [{"key": "b", "values_count": {"gt": -1}}]}]}]}""", "filter.must[0].must[0].should[0].values_count.gt: expected a non-negative integer")]
    [InlineData("""{"must": [{"whatever": 1}]}""", "filter.must[0].whatever: unknown condition")]
    [InlineData("""{"must": [{"has_vector": "v"}]}""", "filter.must[0].has_vector: not supported")]
    [InlineData("""{"min_should": {"conditions": []}}""", "filter.min_should.min_count: missing")]
    [InlineData("""{"min_should": {"min_count": 1}}""", "filter.min_should.conditions: missing")]
    [InlineData("""{"min_should": {"conditions": {}, "min_count": 1}}""", "filter.min_should.conditions: expected an array of conditions, got an object")]
    [InlineData("""{"min_should": {"conditions": [], "min_count": -1}}""", "filter.min_should.min_count: expected a non-negative integer")]
    [InlineData("""{"must": [{"key": "a", "match": {"phrase": "x y"}}]}""", "filter.must[0].match.phrase: not supported")]
    [InlineData("""{"must": [{"key": "a", "range": {"gt": "2024-13-45"}}]}""", "filter.must[0].range.gt: expected a number or an RFC 3339 datetime, got \"2024-13-45\"")]
    [InlineData("""{"must": [{"key": "a", "range": {"lte": 1e400}}]}""", "filter.must[0].range.lte: expected a finite number")]
    [InlineData("""{"must": [{"key": "a", "range": {"gt": -1e400}}]}""", "filter.must[0].range.gt: expected a finite number")]
    public void Parse_NamesTheBadFieldInEveryError(string json, string expected)
    {
        var error = Assert.Throws<RequestException>(() => Filter.Parse(json));
        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UsesTheGivenRootPath()
    {
        var error = Assert.Throws<RequestException>(() => Filter.Parse("""{"must": 1}""", "searches[2].filter"));
        Assert.StartsWith("searches[2].filter.must: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_RejectsMalformedJsonText()
    {
        var error = Assert.Throws<RequestException>(() => Filter.Parse("{\"must\": ["));
        Assert.StartsWith("filter: malformed JSON", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a", "a")]
    [InlineData("a.b.c", "a.b.c")]
    [InlineData("a[].b", "a[].b")]
    [InlineData("a[3][].b", "a[3][].b")]
    [InlineData("\"x.y\".z", "\"x.y\".z")]
    [InlineData("\"plain\".z", "plain.z")]
    public void JsonPath_ParsesAndPrintsCanonically(string key, string canonical)
    {
        Assert.True(JsonPath.TryParse(key, out JsonPath? path, out string error), error);
        Assert.Equal(canonical, path.ToString());
    }

    [Theory]
    [InlineData("", "the key is empty")]
    [InlineData("a.", "ends with a dot")]
    [InlineData(".a", "empty name at position 0")]
    [InlineData("a[", "unterminated '['")]
    [InlineData("a[-1]", "expected [] or [number]")]
    [InlineData("\"a", "unterminated quote")]
    [InlineData("a]b", "unexpected ']'")]
    public void JsonPath_RejectsMalformedKeys(string key, string expected)
    {
        Assert.False(JsonPath.TryParse(key, out _, out string error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }
}
