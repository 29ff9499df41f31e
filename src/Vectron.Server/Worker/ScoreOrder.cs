using Vectron.Server.Model;

namespace Vectron.Server.Worker;

/// <summary>Orders hits best first: higher scores for Cosine and Dot, lower for Euclid; equal scores by id.</summary>
internal sealed class ScoreOrder(bool smallerIsBetter) : IComparer<(float Score, PointId Id)>
{
    public bool SmallerIsBetter { get; } = smallerIsBetter;

    /// <summary>Negative when <paramref name="x"/> is better than <paramref name="y"/>.</summary>
    public int Compare((float Score, PointId Id) x, (float Score, PointId Id) y)
    {
        int byScore = SmallerIsBetter ? x.Score.CompareTo(y.Score) : y.Score.CompareTo(x.Score);
        return byScore != 0 ? byScore : x.Id.CompareTo(y.Id);
    }

    /// <summary>Whether <paramref name="score"/> passes a Qdrant score threshold.</summary>
    public bool Passes(float score, float threshold) => SmallerIsBetter ? score <= threshold : score >= threshold;
}
