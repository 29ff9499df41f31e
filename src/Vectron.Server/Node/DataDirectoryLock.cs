using System.Globalization;

namespace Vectron.Server.Node;

/// <summary>
/// An exclusive lock on a data directory (<c>LOCK</c>, opened with <see cref="FileShare.None"/>, which
/// .NET implements with <c>flock</c> on Unix): a second server on the same directory fails at start
/// instead of corrupting the log. The kernel drops the lock when the process dies, even by SIGKILL.
/// </summary>
internal sealed class DataDirectoryLock : IDisposable
{
    private readonly FileStream _file;

    private DataDirectoryLock(FileStream file) => _file = file;

    /// <summary>Takes the lock.</summary>
    /// <exception cref="IOException">Another process holds it (the message says which directory).</exception>
    public static DataDirectoryLock Acquire(string directory)
    {
        string path = Path.Join(directory, "LOCK");
        FileStream file;
        try
        {
            file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e)
        {
            throw new IOException($"the data directory {Path.GetFullPath(directory)} is in use by another Vectron server (cannot lock {path})", e);
        }
        file.SetLength(0);
        byte[] pid = System.Text.Encoding.ASCII.GetBytes(Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "\n");
        file.Write(pid);
        file.Flush();
        return new DataDirectoryLock(file);
    }

    public void Dispose() => _file.Dispose();
}
