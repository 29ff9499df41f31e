using Vectron.Index;

namespace Vectron.Cli.Datasets;

/// <summary>The metric names used on the command line and in file names (<c>gt_l2_top100.ivecs</c>).</summary>
internal static class MetricNames
{
    public const string L2 = "l2";
    public const string Cosine = "cosine";

    /// <summary>The metric a name stands for; the name is one of <see cref="L2"/> and <see cref="Cosine"/>.</summary>
    public static DistanceMetric Parse(string name) =>
        name == Cosine ? DistanceMetric.Cosine : DistanceMetric.L2;

    /// <summary>The command-line name of a metric.</summary>
    public static string Format(DistanceMetric metric) => metric switch
    {
        DistanceMetric.L2 => L2,
        DistanceMetric.Cosine => Cosine,
        _ => "dot",
    };
}
