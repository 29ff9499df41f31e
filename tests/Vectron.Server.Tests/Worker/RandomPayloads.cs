using System.Globalization;
using Vectron.Server.Model;

namespace Vectron.Server.Tests.Worker;

/// <summary>Random payloads and filters over a small shared vocabulary, so filters often match (seeded).</summary>
internal sealed class RandomPayloads(Random random)
{
    private static readonly string[] Words = ["red", "green", "blue", "x y", "ü"];
    private static readonly string[] Uuids =
        ["550e8400-e29b-41d4-a716-446655440000", "550E8400-E29B-41D4-A716-446655440000", "00000000-0000-0000-0000-000000000007", "not-a-uuid"];

    public static readonly (string Field, PayloadSchemaType Schema)[] Indexes =
    [
        ("kw", PayloadSchemaType.Keyword), ("n", PayloadSchemaType.Integer), ("f", PayloadSchemaType.Float), ("b", PayloadSchemaType.Bool),
        ("t", PayloadSchemaType.Datetime), ("u", PayloadSchemaType.Uuid), ("obj.kw", PayloadSchemaType.Keyword), ("arr[].n", PayloadSchemaType.Integer),
    ];

    public string Payload()
    {
        var members = new List<string>();
        Maybe(members, "kw", () => OneOrMany(() => Quote(Pick(Words)), () => Pick(["1", "true", "null"])));
        Maybe(members, "n", () => OneOrMany(() => random.Next(-3, 6).ToString(CultureInfo.InvariantCulture), () => Pick(["2.5", "\"3\"", "null"])));
        Maybe(members, "f", () => OneOrMany(() => Number(), () => Pick(["\"x\"", "false"])));
        Maybe(members, "b", () => OneOrMany(() => Pick(["true", "false"]), () => "null"));
        Maybe(members, "t", () => OneOrMany(() => Quote($"2024-0{random.Next(1, 4)}-1{random.Next(0, 3)}T0{random.Next(0, 3)}:00:00Z"), () => Pick(["5", "\"2024\""])));
        Maybe(members, "u", () => OneOrMany(() => Quote(Pick(Uuids)), () => "null"));
        Maybe(members, "obj", () => "{" + (random.Next(3) == 0 ? string.Empty : "\"kw\": " + Quote(Pick(Words))) + "}");
        Maybe(members, "arr", () => "[" + string.Join(", ", Enumerable.Range(0, random.Next(0, 3)).Select(_ => $"{{\"n\": {random.Next(0, 4)}, \"kw\": {Quote(Pick(Words))}}}")) + "]");
        Maybe(members, "e", () => Pick(["[]", "null", "[null]", "{}", "0"]));
        return "{" + string.Join(", ", members) + "}";
    }

    public string Filter(int depth = 0)
    {
        var clauses = new List<string>();
        foreach (string clause in new[] { "must", "should", "must_not" })
        {
            if (random.Next(3) == 0 || (clause == "must" && clauses.Count == 0 && random.Next(2) == 0))
            {
                clauses.Add($"\"{clause}\": [{string.Join(", ", Enumerable.Range(0, random.Next(1, 3)).Select(_ => Condition(depth)))}]");
            }
        }

        if (random.Next(8) == 0)
        {
            clauses.Add($"\"min_should\": {{\"conditions\": [{Condition(depth)}, {Condition(depth)}, {Condition(depth)}], \"min_count\": {random.Next(0, 3)}}}");
        }

        return "{" + string.Join(", ", clauses) + "}";
    }

    private string Condition(int depth)
    {
        switch (random.Next(depth < 2 ? 16 : 14))
        {
            case 0:
                return $"{{\"key\": \"{Pick(["kw", "obj.kw", "arr[].kw"])}\", \"match\": {{\"value\": {Quote(Pick(Words))}}}}}";
            case 1:
                return $"{{\"key\": \"{Pick(["n", "arr[].n"])}\", \"match\": {{\"value\": {random.Next(-3, 6)}}}}}";
            case 2:
                return $"{{\"key\": \"b\", \"match\": {{\"value\": {Pick(["true", "false"])}}}}}";
            case 3:
                return $"{{\"key\": \"kw\", \"match\": {{\"any\": [{Quote(Pick(Words))}, {Quote(Pick(Words))}]}}}}";
            case 4:
                return $"{{\"key\": \"n\", \"match\": {{\"{Pick(["any", "except"])}\": [{random.Next(-3, 6)}, {random.Next(-3, 6)}]}}}}";
            case 5:
                return $"{{\"key\": \"kw\", \"match\": {{\"except\": [{Quote(Pick(Words))}]}}}}";
            case 6:
                return $"{{\"key\": \"{Pick(["n", "f", "arr[].n"])}\", \"range\": {{\"{Pick(["gt", "gte"])}\": {Number()}, \"{Pick(["lt", "lte"])}\": {Number()}}}}}";
            case 7:
                return $"{{\"key\": \"t\", \"range\": {{\"gte\": \"2024-0{random.Next(1, 4)}-10\", \"lt\": \"2024-0{random.Next(1, 4)}-12T01:00:00+00:00\"}}}}";
            case 8:
                return $"{{\"{Pick(["is_empty", "is_null"])}\": {{\"key\": \"{Pick(["kw", "e", "n", "obj.kw", "arr[].n"])}\"}}}}";
            case 9:
                return $"{{\"has_id\": [{random.Next(0, 40)}, {random.Next(0, 40)}, {random.Next(0, 40)}]}}";
            case 10:
                return $"{{\"key\": \"u\", \"match\": {{\"value\": {Quote(Pick(Uuids))}}}}}";
            case 11:
                return $"{{\"key\": \"kw\", \"match\": {{\"text\": {Quote(Pick(["e", "re", "x", " "]))}}}}}";
            case 12:
                return $"{{\"key\": \"{Pick(["n", "arr"])}\", \"values_count\": {{\"gte\": {random.Next(0, 3)}}}}}";
            case 13:
                return $"{{\"nested\": {{\"key\": \"arr\", \"filter\": {{\"must\": [{{\"key\": \"n\", \"match\": {{\"value\": {random.Next(0, 4)}}}}}, {{\"key\": \"kw\", \"match\": {{\"value\": {Quote(Pick(Words))}}}}}]}}}}}}";
            default:
                return Filter(depth + 1);
        }
    }

    private void Maybe(List<string> members, string name, Func<string> value)
    {
        if (random.Next(4) != 0)
        {
            members.Add($"\"{name}\": {value()}");
        }
    }

    private string OneOrMany(Func<string> good, Func<string> odd)
    {
        Func<string> element = () => random.Next(8) == 0 ? odd() : good();
        return random.Next(4) == 0 ? "[" + string.Join(", ", Enumerable.Range(0, random.Next(0, 4)).Select(_ => element())) + "]" : element();
    }

    private string Number() => (random.Next(-40, 60) / 10.0).ToString(CultureInfo.InvariantCulture);

    private T Pick<T>(T[] options) => options[random.Next(options.Length)];

    private static string Quote(string text) => "\"" + text.Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
