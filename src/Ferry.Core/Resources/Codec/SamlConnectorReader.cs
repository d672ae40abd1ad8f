using Ferry.Core.Yaml;

namespace Ferry.Core.Resources.Codec;

/// <summary>
/// Reads <c>kind: saml</c> (v2). An inline <c>entity_descriptor</c> is parsed here (DTDs refused) and must describe an
/// identity provider with a signing certificate; an <c>entity_descriptor_url</c> is only checked as a URL, since the
/// metadata is fetched at login. <c>signing_key_pair.private_key</c> may be left out, as <c>tctl get</c> prints it.
/// </summary>
internal static class SamlConnectorReader
{
    private const string AcsExample = "https://teleport.example.com/v1/webapi/saml/acs/";

    public static SamlConnector Read(YamlMap map, string? version)
    {
        ResourceReader.CheckVersion(map, ResourceKinds.Saml, version, ["v2"]);
        var metadata = ResourceReader.ReadMetadata(map, ResourceNames.CheckConnectorName);
        var spec = ConnectorReaders.Spec(map, "acs, entity_descriptor (or entity_descriptor_url) and attributes_to_roles");
        var samlSpec = new SamlConnectorSpec();
        if (spec is not null)
        {
            var name = metadata.Name.Length > 0 ? metadata.Name : "NAME";
            var acs = spec.String("acs", required: true);
            if (ConnectorUrls.Check(spec, "acs", acs, required: true, AcsExample + name) is { } acsUri)
            {
                ConnectorUrls.CheckProxyPath(spec, "acs", acsUri, SamlConnector.AcsPathPrefix + name);
            }
            var descriptor = ConnectorReaders.NullIfEmpty(spec.String("entity_descriptor"));
            var descriptorUrl = ConnectorReaders.NullIfEmpty(spec.String("entity_descriptor_url"));
            ConnectorUrls.Check(spec, "entity_descriptor_url", descriptorUrl, required: false, "https://idp.example.com/app/metadata");
            if (descriptor is null && descriptorUrl is null)
            {
                spec.Report("entity_descriptor", "set entity_descriptor (the identity provider's metadata XML) or entity_descriptor_url",
                    "paste the metadata under entity_descriptor: |, or give the URL the identity provider publishes it at");
            }
            if (descriptor is not null)
            {
                foreach (var (message, hint) in SamlMetadataCheck.Check(descriptor))
                {
                    spec.Report("entity_descriptor", message, hint);
                }
            }
            samlSpec = new SamlConnectorSpec
            {
                Acs = acs ?? "",
                EntityDescriptor = descriptor,
                EntityDescriptorUrl = descriptorUrl,
                AttributesToRoles = ConnectorMappings.Read(spec, "attributes_to_roles", "{name: groups, value: admins, roles: [access]}", ReadMapping),
                Audience = ConnectorReaders.NullIfEmpty(spec.String("audience")),
                ServiceProviderIssuer = ConnectorReaders.NullIfEmpty(spec.String("service_provider_issuer")),
                SigningKeyPair = ReadKeyPair(spec),
                AllowIdpInitiated = spec.Bool("allow_idp_initiated") ?? false,
                Display = ConnectorReaders.NullIfEmpty(spec.String("display")),
            };
            spec.Finish();
        }
        return new SamlConnector { Version = version ?? "v2", Metadata = metadata, Spec = samlSpec };
    }

    private static SamlKeyPair? ReadKeyPair(YamlMap spec)
    {
        if (!spec.Has("signing_key_pair") || spec.Map("signing_key_pair") is not { } map)
        {
            return null;
        }
        var cert = map.String("cert", required: true);
        var key = ConnectorReaders.NullIfEmpty(map.String("private_key"));
        if (!string.IsNullOrEmpty(cert))
        {
            SamlKeyPairCheck.Check(map, cert, key);
        }
        map.Finish();
        return cert is null ? null : new SamlKeyPair { Cert = cert, PrivateKey = key };
    }

    private static AttributeMapping ReadMapping(YamlMap item)
    {
        var name = ConnectorMappings.Name(item, "name");
        var (value, groups) = ConnectorMappings.Value(item, "value");
        var mapping = new AttributeMapping
        {
            Name = name,
            Value = value,
            Roles = ConnectorMappings.Roles(item, "roles", expansions: true, groups),
        };
        item.Finish();
        return mapping;
    }
}
