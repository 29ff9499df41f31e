using System.Runtime.InteropServices;

namespace Vectron.Index.Memory;

/// <summary>The libc call the framework does not expose: <c>madvise</c>, for transparent huge pages.</summary>
internal static partial class NativeMethods
{
    /// <summary><c>MADV_HUGEPAGE</c> (Linux): back the range with 2 MiB pages where the kernel can.</summary>
    internal const int AdviseHugePage = 14;

    [LibraryImport("libc", SetLastError = true)]
    internal static partial int madvise(nint address, nuint length, int advice);
}
