namespace Vectron.Testing;

/// <summary>
/// The inotify instances this process holds (Linux: descriptors in <c>/proc/self/fd</c> that link to
/// <c>anon_inode:inotify</c>). Every <see cref="FileSystemWatcher"/> that raises events holds one.
/// </summary>
internal static class InotifyInstances
{
    public static int Count()
    {
        int count = 0;
        foreach (string descriptor in Directory.EnumerateFiles("/proc/self/fd"))
        {
            try
            {
                if (new FileInfo(descriptor).LinkTarget == "anon_inode:inotify")
                {
                    count++;
                }
            }
            catch (IOException)
            {
                // Closed between listing and reading: not ours to count.
            }
        }

        return count;
    }
}
