namespace Vectron.Storage.Snapshots;

/// <summary>One file of a snapshot as its manifest lists it.</summary>
/// <param name="Name">The file's name inside the snapshot directory (no path separators, no <c>..</c>).</param>
/// <param name="Length">The file's length in bytes.</param>
/// <param name="Checksum">The CRC-32C of the file's contents.</param>
public readonly record struct SnapshotFileEntry(string Name, long Length, uint Checksum);
