using Ferry.Auth.Audit;
using Ferry.Auth.Authorities;
using Ferry.Core.Api;
using Ferry.Core.Audit;
using Ferry.Core.Errors;

namespace Ferry.Auth.Tokens;

/// <summary>Turns a valid join token into a host certificate for the key the joining host generated.</summary>
public sealed class JoinService
{
    private readonly TokenService _tokens;
    private readonly CertIssuer _issuer;
    private readonly AuditLog _audit;
    private readonly AuthServerOptions _options;

    public JoinService(TokenService tokens, CertIssuer issuer, AuditLog audit, AuthServerOptions options)
    {
        _tokens = tokens;
        _issuer = issuer;
        _audit = audit;
        _options = options;
    }

    public async ValueTask<JoinResponse> JoinAsync(JoinRequest request, string? remoteAddr, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.HostId) || request.HostId.Length > 64 || !request.HostId.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
        {
            throw FerryException.BadParameter("host_id must be 1 to 64 letters, digits or '-'");
        }

        try
        {
            await _tokens.ValidateAsync(request.Token, request.Role, cancellationToken);
        }
        catch (FerryException e)
        {
            await _audit.EmitAsync(
                _audit.NewEvent(EventTypes.InstanceJoin, request.HostId, success: false, error: e.Message)
                    .Set("role", request.Role).Set("node_name", request.NodeName).Set("addr.remote", remoteAddr),
                cancellationToken);
            throw;
        }

        using var certificate = _issuer.IssueHost(request.PublicKey, request.HostId, request.NodeName, request.Role, request.DnsNames, _options.HostCertTtl);
        await _audit.EmitAsync(
            _audit.NewEvent(EventTypes.InstanceJoin, request.HostId).Set("role", request.Role).Set("node_name", request.NodeName).Set("addr.remote", remoteAddr),
            cancellationToken);
        return new JoinResponse
        {
            CertPem = certificate.ExportCertificatePem(),
            HostCaPem = _issuer.Authorities.Host.CertificatePem,
            UserCaPem = _issuer.Authorities.User.CertificatePem,
            ClusterName = _issuer.ClusterName,
        };
    }
}
