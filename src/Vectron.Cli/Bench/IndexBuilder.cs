using System.Diagnostics;
using Vectron.Cli.CommandLine;
using Vectron.Cli.Datasets;
using Vectron.Index;

namespace Vectron.Cli.Bench;

/// <summary>Builds an index over every row of a matrix, keyed by row number, on several threads.</summary>
internal static class IndexBuilder
{
    /// <summary>
    /// Checks index options made from command-line values before anything is loaded; an invalid one
    /// is a usage error whose message ends with <paramref name="arguments"/>, the options behind it.
    /// </summary>
    /// <exception cref="CliException">The options are invalid.</exception>
    public static void ValidateArguments(HnswOptions options, string arguments)
    {
        try
        {
            options.Validate();
        }
        catch (ArgumentException e)
        {
            throw CliException.Usage($"{CliException.MessageOf(e)} ({arguments})");
        }
    }

    /// <summary>Rows inserted by <see cref="WarmUp"/>.</summary>
    public const int WarmUpRows = 3_000;

    /// <summary>
    /// Builds and discards a small index from the first rows, untimed, so the timed builds run
    /// optimised code rather than paying for the JIT's first tiers: the peer engines are compiled
    /// ahead of time, and a long-running server has long since compiled its insert path.
    /// </summary>
    public static void WarmUp(DenseMatrix<float> vectors, HnswOptions options, int threads)
    {
        int rows = Math.Min(vectors.Rows, WarmUpRows);
        using var index = new HnswIndex(options with { InitialCapacity = rows, CalibrationThreshold = Math.Max(1, rows / 3) });
        WorkerGroup.RunOnce(rows, threads, (item, _) => index.Upsert((ulong)item, vectors.Row(item)));
    }

    /// <summary>
    /// Inserts row 0, then the other rows from <paramref name="threads"/> threads, then (int8) recalibrates
    /// once so the codes reflect the whole set. The returned time covers all of it.
    /// </summary>
    /// <exception cref="CliException">The options do not fit the data (e.g. a dimension the index does not support).</exception>
    public static HnswIndex Build(DenseMatrix<float> vectors, HnswOptions options, int threads, out double seconds)
    {
        try
        {
            options.Validate();
        }
        catch (ArgumentException e)
        {
            throw new CliException($"cannot build the index: {CliException.MessageOf(e)}", e);
        }

        long start = Stopwatch.GetTimestamp();
        var index = new HnswIndex(options with { InitialCapacity = Math.Max(options.InitialCapacity, vectors.Rows) });
        try
        {
            if (vectors.Rows > 0)
            {
                index.Upsert(0, vectors.Row(0));
                WorkerGroup.RunOnce(vectors.Rows - 1, threads, (item, _) => index.Upsert((ulong)(item + 1), vectors.Row(item + 1)));
            }

            if (options.Quantization == QuantizationKind.Int8)
            {
                index.Recalibrate();
            }
        }
        catch
        {
            index.Dispose();
            throw;
        }

        seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        return index;
    }
}
