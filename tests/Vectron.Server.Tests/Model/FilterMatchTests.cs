using System.Text.Json;
using Vectron.Server.Model;

namespace Vectron.Server.Tests.Model;

public sealed class FilterMatchTests
{
    private const string Payload = """
        {
          "city": "London", "count": 3, "price": 9.5, "flag": true, "nothing": null, "empty": [],
          "tags": ["red", "green"], "nums": [1, 5, 9], "mixed": [null, "x"],
          "at": "2024-03-01T12:00:00Z", "text": "the quick brown fox",
          "country": {"name": "UK", "cities": [{"name": "London", "population": 9.0, "sights": ["eye"]}, {"name": "Leeds", "population": 0.8}]},
          "diet": [{"food": "meat", "likes": true}, {"food": "leaves", "likes": false}],
          "odd.key": {"x": ["v"]}
        }
        """;

    private static JsonElement Json(string text)
    {
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    private static bool Matches(string filter, string payload = Payload, ulong id = 1) =>
        Filter.Parse(filter).Matches(PointId.FromNumber(id), Json(payload));

    [Theory]
    // match value: string, integer, bool; types never cross
    [InlineData("""{"must": [{"key": "city", "match": {"value": "London"}}]}""", true)]
    [InlineData("""{"must": [{"key": "city", "match": {"value": "london"}}]}""", false)]
    [InlineData("""{"must": [{"key": "count", "match": {"value": 3}}]}""", true)]
    [InlineData("""{"must": [{"key": "count", "match": {"value": "3"}}]}""", false)]
    [InlineData("""{"must": [{"key": "price", "match": {"value": 9}}]}""", false)]
    [InlineData("""{"must": [{"key": "flag", "match": {"value": true}}]}""", true)]
    [InlineData("""{"must": [{"key": "flag", "match": {"value": false}}]}""", false)]
    // arrays: any element
    [InlineData("""{"must": [{"key": "tags", "match": {"value": "green"}}]}""", true)]
    [InlineData("""{"must": [{"key": "nums", "match": {"value": 5}}]}""", true)]
    [InlineData("""{"must": [{"key": "nums", "match": {"value": 4}}]}""", false)]
    // any / except
    [InlineData("""{"must": [{"key": "city", "match": {"any": ["Paris", "London"]}}]}""", true)]
    [InlineData("""{"must": [{"key": "city", "match": {"any": []}}]}""", false)]
    [InlineData("""{"must": [{"key": "nums", "match": {"any": [7, 9]}}]}""", true)]
    [InlineData("""{"must": [{"key": "city", "match": {"except": ["Paris"]}}]}""", true)]
    [InlineData("""{"must": [{"key": "city", "match": {"except": ["London"]}}]}""", false)]
    [InlineData("""{"must": [{"key": "tags", "match": {"except": ["red"]}}]}""", true)]
    [InlineData("""{"must": [{"key": "tags", "match": {"except": ["red", "green"]}}]}""", false)]
    [InlineData("""{"must": [{"key": "count", "match": {"except": ["a"]}}]}""", true)]
    [InlineData("""{"must": [{"key": "missing", "match": {"except": ["a"]}}]}""", false)]
    [InlineData("""{"must": [{"key": "nothing", "match": {"except": ["a"]}}]}""", false)]
    // text: substring
    [InlineData("""{"must": [{"key": "text", "match": {"text": "quick brown"}}]}""", true)]
    [InlineData("""{"must": [{"key": "text", "match": {"text": "slow"}}]}""", false)]
    // range: numbers, strictness, arrays, datetimes, wrong types
    [InlineData("""{"must": [{"key": "price", "range": {"gt": 9, "lt": 10}}]}""", true)]
    [InlineData("""{"must": [{"key": "price", "range": {"gt": 9.5}}]}""", false)]
    [InlineData("""{"must": [{"key": "price", "range": {"gte": 9.5, "lte": 9.5}}]}""", true)]
    [InlineData("""{"must": [{"key": "nums", "range": {"gt": 8}}]}""", true)]
    [InlineData("""{"must": [{"key": "nums", "range": {"gt": 2, "lt": 4}}]}""", false)]
    [InlineData("""{"must": [{"key": "city", "range": {"gt": 0}}]}""", false)]
    [InlineData("""{"must": [{"key": "at", "range": {"gte": "2024-03-01", "lt": "2024-03-02T00:00:00+00:00"}}]}""", true)]
    [InlineData("""{"must": [{"key": "at", "range": {"gt": "2024-03-01T13:00:00+02:00"}}]}""", true)]
    [InlineData("""{"must": [{"key": "at", "range": {"gt": "2024-03-01 12:00:00"}}]}""", false)]
    [InlineData("""{"must": [{"key": "price", "range": {"gt": "2024-01-01"}}]}""", false)]
    [InlineData("""{"must": [{"key": "missing", "range": {}}]}""", false)]
    // nested keys, [] and [n], quoted keys
    [InlineData("""{"must": [{"key": "country.name", "match": {"value": "UK"}}]}""", true)]
    [InlineData("""{"must": [{"key": "country.cities[].name", "match": {"value": "Leeds"}}]}""", true)]
    [InlineData("""{"must": [{"key": "country.cities.name", "match": {"value": "Leeds"}}]}""", false)]
    [InlineData("""{"must": [{"key": "country.cities[1].name", "match": {"value": "London"}}]}""", false)]
    [InlineData("""{"must": [{"key": "country.cities[0].name", "match": {"value": "London"}}]}""", true)]
    [InlineData("""{"must": [{"key": "country.cities[].population", "range": {"lt": 1}}]}""", true)]
    [InlineData("""{"must": [{"key": "country.cities[].sights", "match": {"value": "eye"}}]}""", true)]
    [InlineData("""{"must": [{"key": "country.cities[9].name", "match": {"value": "London"}}]}""", false)]
    [InlineData("""{"must": [{"key": "\"odd.key\".x", "match": {"value": "v"}}]}""", true)]
    // is_empty / is_null: missing, null, [] and values
    [InlineData("""{"must": [{"is_empty": {"key": "missing"}}]}""", true)]
    [InlineData("""{"must": [{"is_empty": {"key": "nothing"}}]}""", true)]
    [InlineData("""{"must": [{"is_empty": {"key": "empty"}}]}""", true)]
    [InlineData("""{"must": [{"is_empty": {"key": "tags"}}]}""", false)]
    [InlineData("""{"must": [{"is_empty": {"key": "country.cities[].sights"}}]}""", false)]
    [InlineData("""{"must": [{"is_empty": {"key": "country.cities[].missing"}}]}""", true)]
    [InlineData("""{"must": [{"is_null": {"key": "nothing"}}]}""", true)]
    [InlineData("""{"must": [{"is_null": {"key": "missing"}}]}""", false)]
    [InlineData("""{"must": [{"is_null": {"key": "empty"}}]}""", false)]
    [InlineData("""{"must": [{"is_null": {"key": "mixed"}}]}""", false)]
    [InlineData("""{"must": [{"is_null": {"key": "mixed[]"}}]}""", true)]
    // has_id
    [InlineData("""{"must": [{"has_id": [5, 1]}]}""", true)]
    [InlineData("""{"must": [{"has_id": [2]}]}""", false)]
    [InlineData("""{"must": [{"has_id": []}]}""", false)]
    // values_count
    [InlineData("""{"must": [{"key": "nums", "values_count": {"gte": 3, "lt": 4}}]}""", true)]
    [InlineData("""{"must": [{"key": "city", "values_count": {"gt": 1}}]}""", false)]
    [InlineData("""{"must": [{"key": "missing", "values_count": {"lt": 1}}]}""", true)]
    // nested
    [InlineData("""{"must": [{"nested": {"key": "diet", "filter": {"must": [{"key": "food", "match": {"value": "meat"}}, {"key": "likes", "match": {"value": true}}]}}}]}""", true)]
    [InlineData("""{"must": [{"nested": {"key": "diet", "filter": {"must": [{"key": "food", "match": {"value": "meat"}}, {"key": "likes", "match": {"value": false}}]}}}]}""", false)]
    [InlineData("""{"must": [{"key": "diet[].food", "match": {"value": "meat"}}, {"key": "diet[].likes", "match": {"value": false}}]}""", true)]
    // clauses: should, must_not, min_should, nesting, empties
    [InlineData("""{"should": [{"key": "city", "match": {"value": "Paris"}}, {"key": "count", "match": {"value": 3}}]}""", true)]
    [InlineData("""{"should": [{"key": "city", "match": {"value": "Paris"}}, {"key": "count", "match": {"value": 4}}]}""", false)]
    [InlineData("""{"should": []}""", true)]
    [InlineData("""{"must_not": [{"key": "city", "match": {"value": "Paris"}}]}""", true)]
    [InlineData("""{"must_not": [{"key": "city", "match": {"value": "Paris"}}, {"key": "flag", "match": {"value": true}}]}""", false)]
    [InlineData("""{"min_should": {"conditions": [{"key": "city", "match": {"value": "London"}}, {"key": "count", "match": {"value": 3}}, {"key": "flag", "match": {"value": false}}], "min_count": 2}}""", true)]
    [InlineData("""{"min_should": {"conditions": [{"key": "city", "match": {"value": "London"}}, {"key": "count", "match": {"value": 4}}, {"key": "flag", "match": {"value": false}}], "min_count": 2}}""", false)]
    [InlineData("""{"min_should": {"conditions": [], "min_count": 0}}""", true)]
    [InlineData("""{"must": [{"must_not": [{"key": "city", "match": {"value": "London"}}]}]}""", false)]
    [InlineData("""{"must_not": [{"must_not": [{"key": "city", "match": {"value": "London"}}]}]}""", true)]
    [InlineData("""{"must": [{}]}""", true)]
    [InlineData("""{}""", true)]
    public void Matches_FollowsQdrantSemantics(string filter, bool expected) => Assert.Equal(expected, Matches(filter));

    [Theory]
    [InlineData("null")]
    [InlineData("[]")]
    [InlineData("{}")]
    public void Matches_TreatsAMissingPayloadAsEmpty(string payload)
    {
        Assert.True(Matches("""{"must": [{"is_empty": {"key": "a"}}]}""", payload));
        Assert.False(Matches("""{"must": [{"key": "a", "match": {"value": 1}}]}""", payload));
        Assert.True(Matches("""{"must_not": [{"key": "a", "match": {"value": 1}}]}""", payload));
    }

    [Theory]
    // values_count counts each value found at the key by itself (an array its elements, null none,
    // anything else one) and holds when one of them is in range, as Qdrant does; a missing key counts
    // zero. With a single-valued key that is the array's length.
    [InlineData("""{"a": [{"b": [1, 2]}, {"b": [3]}]}""", "a[].b", """{"gte": 3}""", false)]
    [InlineData("""{"a": [{"b": [1, 2]}, {"b": [3]}]}""", "a[].b", """{"gte": 2}""", true)]
    [InlineData("""{"a": [{"b": [1, 2]}, {"b": [3]}]}""", "a[].b", """{"gt": 1, "lt": 2}""", false)]
    [InlineData("""{"a": [{"b": [1, 2]}, {"b": [3]}]}""", "a[].b", """{"lte": 1}""", true)]
    [InlineData("""{"a": [1, 2, 3]}""", "a", """{"gte": 3}""", true)]
    [InlineData("""{"a": [1, 2, 3]}""", "a[]", """{"gte": 2}""", false)]
    [InlineData("""{"a": [{"b": null}, {"b": 7}]}""", "a[].b", """{"lt": 1}""", true)]
    [InlineData("""{"a": []}""", "a[].b", """{"lt": 1}""", true)]
    [InlineData("""{}""", "a", """{"lt": 1}""", true)]
    public void ValuesCount_ChecksEachValueFoundByItself(string payload, string key, string bounds, bool expected) =>
        Assert.Equal(expected, Matches("{\"must\": [{\"key\": \"" + key + "\", \"values_count\": " + bounds + "}]}", payload));

    [Theory]
    // Qdrant's nested condition applies its filter to each object element of the array at the key
    // (the key with [] appended unless it ends in []): "diet" and "diet[]" are the same, a plain
    // object or a scalar at the key has no elements, and elements that are not objects are skipped.
    [InlineData("""{"diet": [{"food": "meat"}, {"food": "fish"}]}""", "diet", true)]
    [InlineData("""{"diet": [{"food": "meat"}, {"food": "fish"}]}""", "diet[]", true)]
    [InlineData("""{"diet": {"food": "meat"}}""", "diet", false)]
    [InlineData("""{"diet": {"food": "meat"}}""", "diet[]", false)]
    [InlineData("""{"diet": [[{"food": "meat"}]]}""", "diet", false)]
    [InlineData("""{"diet": [[{"food": "meat"}]]}""", "diet[]", false)]
    [InlineData("""{"diet": [[{"food": "meat"}]]}""", "diet[0]", true)]
    [InlineData("""{"diet": ["meat", {"food": "meat"}]}""", "diet", true)]
    [InlineData("""{"a": [{"diet": [{"food": "meat"}]}, {"diet": [{"food": "fish"}]}]}""", "a[].diet", true)]
    public void Nested_MatchesObjectElementsOfTheArrayOnly(string payload, string key, bool expected) =>
        Assert.Equal(expected, Matches("{\"must\": [{\"nested\": {\"key\": \"" + key + "\", \"filter\": {\"must\": [{\"key\": \"food\", \"match\": {\"value\": \"meat\"}}]}}}]}", payload));

    [Fact]
    public void Matches_UuidIds()
    {
        const string filter = """{"must": [{"has_id": ["550e8400-e29b-41d4-a716-446655440000"]}]}""";
        var id = PointId.FromUuid(Guid.Parse("550E8400-E29B-41D4-A716-446655440000"));
        Assert.True(Filter.Parse(filter).Matches(id, Json("{}")));
        Assert.False(Filter.Parse(filter).Matches(PointId.FromNumber(1), Json("{}")));
    }
}
