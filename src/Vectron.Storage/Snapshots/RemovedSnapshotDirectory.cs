namespace Vectron.Storage.Snapshots;

/// <summary>A directory <see cref="SnapshotStore.Open"/> deleted, and why.</summary>
/// <param name="Name">The directory's name inside the store's directory.</param>
/// <param name="Reason">Why it was removed: unfinished, invalid (the check that failed), superseded, or beyond retention.</param>
public sealed record RemovedSnapshotDirectory(string Name, string Reason);
