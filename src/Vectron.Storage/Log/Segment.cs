using Vectron.Storage.Files;

namespace Vectron.Storage.Log;

/// <summary>One live segment file and how many retained entries frames point into it.</summary>
internal sealed class Segment(long sequence, string path, IStorageFile file) : IDisposable
{
    public long Sequence { get; } = sequence;

    public string Path { get; } = path;

    public IStorageFile File { get; } = file;

    /// <summary>Entries frames still retained by some group; the segment can go when this is 0 and it is not the newest.</summary>
    public int LiveFrames { get; set; }

    public void Dispose() => File.Dispose();
}
