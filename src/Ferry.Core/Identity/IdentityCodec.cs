using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Serialization;
using Ferry.Core.Errors;

namespace Ferry.Core.Identity;

/// <summary>
/// Puts an identity into an X.509 certificate and reads it back. The subject carries CN = user and one
/// O = role per role so standard tools show who it is; the full identity (traits, route, kind) travels as
/// JSON in a private, non-critical extension. Only certificates that chained to a cluster CA are ever
/// decoded for decisions (see <see cref="IdentityVerifier"/>).
/// </summary>
public static class IdentityCodec
{
    /// <summary>Private OID arc for Ferry's identity extension.</summary>
    public const string IdentityExtensionOid = "1.3.9999.70.1";


    public static X500DistinguishedName BuildSubject(FerryIdentity identity)
    {
        var builder = new X500DistinguishedNameBuilder();
        builder.AddCommonName(identity.Username);
        foreach (var role in identity.Roles)
        {
            builder.AddOrganizationName(role);
        }

        return builder.Build();
    }

    public static X509Extension BuildExtension(FerryIdentity identity)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        writer.WriteCharacterString(UniversalTagNumber.UTF8String, JsonSerializer.Serialize(identity, IdentityJsonContext.Default.FerryIdentity));
        return new X509Extension(IdentityExtensionOid, writer.Encode(), critical: false);
    }

    /// <summary>Reads the identity of a certificate; its expiry is the certificate's NotAfter, whatever the JSON says.</summary>
    public static FerryIdentity Decode(X509Certificate2 certificate)
    {
        var extension = certificate.Extensions[IdentityExtensionOid]
            ?? throw FerryException.AccessDenied("the certificate carries no Ferry identity; log in again with tsh login");
        try
        {
            var reader = new AsnReader(extension.RawData, AsnEncodingRules.DER);
            var text = reader.ReadCharacterString(UniversalTagNumber.UTF8String);
            var identity = JsonSerializer.Deserialize(text, IdentityJsonContext.Default.FerryIdentity)
                ?? throw new JsonException("empty identity");
            return identity with { Expires = new DateTimeOffset(certificate.NotAfter.ToUniversalTime()) };
        }
        catch (Exception e) when (e is JsonException or AsnContentException or NotSupportedException)
        {
            throw FerryException.AccessDenied("the certificate's Ferry identity is malformed; log in again with tsh login");
        }
    }
}

/// <summary>Source-generated: every proxied request's certificate is decoded with it, and tsh (native) has no reflection.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    Converters = [typeof(SnakeCaseEnumConverter<IdentityKind>)])]
[JsonSerializable(typeof(FerryIdentity))]
internal sealed partial class IdentityJsonContext : JsonSerializerContext;

/// <summary>An enum as its snake_case name, without the reflection the non-generic converter needs.</summary>
internal sealed class SnakeCaseEnumConverter<TEnum>() : JsonStringEnumConverter<TEnum>(JsonNamingPolicy.SnakeCaseLower)
    where TEnum : struct, Enum;
