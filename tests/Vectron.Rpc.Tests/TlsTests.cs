using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Vectron.Rpc.Client;
using Vectron.Rpc.Protocol.Internal;
using Vectron.Rpc.Server;

namespace Vectron.Rpc.Tests;

public sealed class TlsTests
{
    [Fact]
    public async Task Echo_OverTls_WithASelfSignedCertificate_PinnedByThumbprint()
    {
        using var certificate = CreateSelfSigned();
        string pinned = certificate.GetCertHashString(HashAlgorithmName.SHA256);
        await using var server = await RpcServer.StartAsync(new RpcRouter().MapDiagnostics(7), new IPEndPoint(IPAddress.Loopback, 0), certificate);
        Assert.Equal(Uri.UriSchemeHttps, server.Address.Scheme);

        string? presented = null;
        using var channel = new RpcChannel(server.Address, new RpcChannelOptions
        {
            ServerCertificateValidation = (_, remote, _, _) =>
            {
                presented = remote?.GetCertHashString(HashAlgorithmName.SHA256);
                return string.Equals(presented, pinned, StringComparison.OrdinalIgnoreCase);
            },
        });
        var reply = await channel.UnaryAsync(DiagnosticsMethods.Echo, new EchoRequest { Text = "over tls" });
        Assert.Equal("over tls", reply.Text);
        Assert.Equal(pinned, presented);

        // The system's validation does not trust the self-signed certificate: the channel really checks it.
        using var untrusting = new RpcChannel(server.Address, new RpcChannelOptions { MaxRetries = 0, CircuitBreaker = false });
        var error = await Assert.ThrowsAsync<RpcException>(() => untrusting.UnaryAsync(DiagnosticsMethods.Echo, new EchoRequest { Text = "x" }));
        Assert.Equal(RpcStatusCode.Unavailable, error.Status);
    }

    private static X509Certificate2 CreateSelfSigned()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false)); // server authentication
        var now = DateTimeOffset.UtcNow;
        using var ephemeral = request.CreateSelfSigned(now.AddDays(-1), now.AddDays(1));

        // A round trip through PKCS#12 gives Kestrel a certificate whose private key it can use on every platform.
        return X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pkcs12), null);
    }
}
