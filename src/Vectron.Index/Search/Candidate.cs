namespace Vectron.Index.Search;

/// <summary>A node and its distance to the query.</summary>
internal readonly record struct Candidate(float Distance, int Node);
