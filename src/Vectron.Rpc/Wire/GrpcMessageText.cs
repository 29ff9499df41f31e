using System.Text;

namespace Vectron.Rpc.Wire;

/// <summary>The <c>grpc-message</c> header: UTF-8, with bytes outside printable ASCII and <c>%</c> percent-encoded.</summary>
public static class GrpcMessageText
{
    /// <summary>Encodes a status message for the header.</summary>
    public static string Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var builder = new StringBuilder(text.Length);
        foreach (byte b in Encoding.UTF8.GetBytes(text))
        {
            if (b is >= 0x20 and <= 0x7E && b != (byte)'%')
            {
                builder.Append((char)b);
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }

    /// <summary>Decodes a header value; a malformed escape is kept as it is (the spec says decode leniently).</summary>
    public static string Decode(string? text)
    {
        if (string.IsNullOrEmpty(text) || !text.Contains('%', StringComparison.Ordinal))
        {
            return text ?? string.Empty;
        }

        var bytes = new List<byte>(text.Length);
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] == '%' && i + 2 < text.Length && IsHex(text[i + 1]) && IsHex(text[i + 2]))
            {
                bytes.Add(Convert.ToByte(text.Substring(i + 1, 2), 16));
                i += 2;
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(text[i].ToString()));
            }
        }

        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    private static bool IsHex(char c) => char.IsAsciiHexDigit(c);
}
