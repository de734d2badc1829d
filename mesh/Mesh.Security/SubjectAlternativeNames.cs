using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;

namespace Mesh.Security;

/// <summary>Reads the URI entries of a subjectAltName extension (which .NET's own type does not enumerate).</summary>
public static class SubjectAlternativeNames
{
    public const string Oid = "2.5.29.17";

    private static readonly Asn1Tag UriTag = new(TagClass.ContextSpecific, 6);

    public static IReadOnlyList<string> Uris(IEnumerable<X509Extension> extensions)
    {
        var uris = new List<string>();
        foreach (var extension in extensions.Where(e => e.Oid?.Value == Oid))
        {
            var names = new AsnReader(extension.RawData, AsnEncodingRules.DER).ReadSequence();
            while (names.HasData)
            {
                var tag = names.PeekTag();
                if (tag.HasSameClassAndValue(UriTag))
                {
                    uris.Add(names.ReadCharacterString(UniversalTagNumber.IA5String, UriTag));
                }
                else
                {
                    names.ReadEncodedValue();
                }
            }
        }

        return uris;
    }

    public static IReadOnlyList<string> Uris(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return Uris(certificate.Extensions.Cast<X509Extension>());
    }

    /// <summary>The DNS entries of a certificate's subjectAltName.</summary>
    public static IReadOnlyList<string> DnsNames(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return [.. certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().SelectMany(e => e.EnumerateDnsNames())];
    }
}
