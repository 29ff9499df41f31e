namespace Vectron.Storage.Snapshots;

/// <summary>The fixed 48-byte start of a manifest, checked on its own so a receiver can trust the manifest's length before the rest arrives.</summary>
internal readonly record struct ManifestHeader(int Length, ulong Index, ulong Term, int FileCount, long DataLength);
