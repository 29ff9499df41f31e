using System.Net;
using System.Net.Sockets;

namespace Vectron.Cli.Bench.Processes;

/// <summary>Loopback ports that are free now, for programs that must be told their ports before they start (etcd).</summary>
internal static class FreePorts
{
    /// <summary>
    /// Asks the kernel for <paramref name="count"/> distinct free ports (all bound at once, then released). Another
    /// program could take one before it is used; the kernel hands out ephemeral ports in rotation, so that is rare.
    /// </summary>
    public static int[] Reserve(int count)
    {
        var listeners = new List<TcpListener>(count);
        try
        {
            for (int i = 0; i < count; i++)
            {
                var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                listeners.Add(listener);
            }

            return [.. listeners.Select(listener => ((IPEndPoint)listener.LocalEndpoint).Port)];
        }
        finally
        {
            foreach (var listener in listeners)
            {
                listener.Stop();
            }
        }
    }
}
