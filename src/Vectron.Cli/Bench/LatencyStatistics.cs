namespace Vectron.Cli.Bench;

/// <summary>Percentiles of latency samples.</summary>
internal static class LatencyStatistics
{
    /// <summary>
    /// The <paramref name="percent"/>-th percentile with linear interpolation between the closest ranks
    /// (numpy's default, which the peers harness uses). Does not modify <paramref name="samples"/>.
    /// </summary>
    public static double Percentile(ReadOnlySpan<double> samples, double percent)
    {
        if (samples.IsEmpty)
        {
            return double.NaN;
        }

        double[] sorted = samples.ToArray();
        Array.Sort(sorted);
        double position = percent / 100 * (sorted.Length - 1);
        int lower = (int)Math.Floor(position);
        int upper = Math.Min(lower + 1, sorted.Length - 1);
        return sorted[lower] + ((sorted[upper] - sorted[lower]) * (position - lower));
    }

    /// <summary>The median (the 50th percentile, averaging the middle two of an even count).</summary>
    public static double Median(IEnumerable<double> values) => Percentile([.. values], 50);

    /// <summary>
    /// <paramref name="value"/> rounded to <paramref name="digits"/> significant digits, so that a small ratio measured
    /// on a slow machine (a stalled disk gives 0.0002) is printed as itself rather than rounded to zero places.
    /// </summary>
    public static double RoundSignificant(double value, int digits)
    {
        if (value == 0 || !double.IsFinite(value))
        {
            return value;
        }

        int magnitude = (int)Math.Floor(Math.Log10(Math.Abs(value))) + 1;
        int decimals = digits - magnitude;
        if (decimals <= 0)
        {
            double scale = Math.Pow(10, -decimals);
            return Math.Round(value / scale) * scale;
        }

        return Math.Round(value, Math.Min(decimals, 15));
    }
}
