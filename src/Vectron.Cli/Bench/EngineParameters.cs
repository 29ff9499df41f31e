using System.Text.Json;
using Vectron.Cli.CommandLine;
using Vectron.Index;

namespace Vectron.Cli.Bench;

/// <summary>The index parameters the peers harness hands over as <c>--params '{"M":16,"ef_construction":200,"quantization":"f32"}'</c>.</summary>
/// <param name="M">Links per node (layer 0 keeps twice as many).</param>
/// <param name="EfConstruction">Candidate list size while inserting.</param>
/// <param name="Quantization">Traversal on float32 (<c>f32</c>) or int8 codes (<c>int8</c>).</param>
internal sealed record EngineParameters(int M, int EfConstruction, QuantizationKind Quantization)
{
    /// <summary>The parameters when <c>--params</c> is absent or <c>{}</c>.</summary>
    public static EngineParameters Default { get; } = new(16, 200, QuantizationKind.None);

    /// <summary>The name of the quantization as the harness spells it: <c>f32</c> or <c>int8</c>.</summary>
    public string QuantizationName => Quantization == QuantizationKind.Int8 ? "int8" : "f32";

    /// <summary>Parses the JSON object; keys are <c>M</c>, <c>ef_construction</c> and <c>quantization</c>, all optional.</summary>
    /// <exception cref="CliException">The text is not a JSON object, a value has the wrong type, or a key is unknown.</exception>
    public static EngineParameters Parse(string json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw CliException.Usage($"--params is not valid JSON ({e.Message}): {json}");
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw CliException.Usage($"--params must be a JSON object, got: {json}");
            }

            EngineParameters result = Default;
            foreach (JsonProperty property in document.RootElement.EnumerateObject())
            {
                result = property.Name switch
                {
                    "M" => result with { M = ReadInt(property) },
                    "ef_construction" => result with { EfConstruction = ReadInt(property) },
                    "quantization" => result with { Quantization = ReadQuantization(property) },
                    _ => throw CliException.Usage($"--params: unknown key '{property.Name}'; known keys are M, ef_construction and quantization."),
                };
            }

            return result;
        }
    }

    private static int ReadInt(JsonProperty property)
    {
        if (property.Value.ValueKind != JsonValueKind.Number || !property.Value.TryGetInt32(out int value))
        {
            throw CliException.Usage($"--params: '{property.Name}' must be a whole number, got {property.Value.GetRawText()}.");
        }

        return value;
    }

    private static QuantizationKind ReadQuantization(JsonProperty property)
    {
        string? text = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : null;
        return text?.ToUpperInvariant() switch
        {
            "F32" or "FLOAT32" or "NONE" => QuantizationKind.None,
            "INT8" or "I8" => QuantizationKind.Int8,
            _ => throw CliException.Usage($"--params: 'quantization' must be \"f32\" or \"int8\", got {property.Value.GetRawText()}."),
        };
    }
}
