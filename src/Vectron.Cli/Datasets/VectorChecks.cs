using Vectron.Cli.CommandLine;

namespace Vectron.Cli.Datasets;

/// <summary>Input checks shared by the commands, so bad data fails with a message rather than deep in the index.</summary>
internal static class VectorChecks
{
    /// <summary>Throws when a value is NaN or infinite, naming the file, record and component.</summary>
    public static void RequireFinite(DenseMatrix<float> vectors, string source)
    {
        float[] data = vectors.Data;
        for (int i = 0; i < data.Length; i++)
        {
            if (!float.IsFinite(data[i]))
            {
                throw new CliException($"{source}: record {i / vectors.Columns}, component {i % vectors.Columns} is {data[i]}; every value must be a finite number.");
            }
        }
    }
}
