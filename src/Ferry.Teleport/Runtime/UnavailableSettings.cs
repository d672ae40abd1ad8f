using Ferry.Config;
using Ferry.Core.Errors;

namespace Ferry.Teleport.Runtime;

/// <summary>
/// Settings the config reader accepts, because they are Teleport's and a later build implements them, but this build
/// cannot honour. The daemon refuses to start with them, naming the key and the way out, rather than start and fail
/// each user later (docs/config-reference.md).
/// </summary>
internal static class UnavailableSettings
{
    /// <exception cref="FerryException">BadParameter naming the first such setting.</exception>
    public static void Refuse(FileConfig config)
    {
        var authentication = config.Auth.Authentication;
        if (config.Auth.Enabled && authentication.Type != AuthenticationConfig.Local)
        {
            throw FerryException.BadParameter(
                $"auth_service.authentication.type is {authentication.Type} (connector_name: {authentication.ConnectorName}): " +
                "SSO logins through connectors are not available in this build yet; use type: local. " +
                "Connectors can already be stored with tctl create -f; only logging in through them is missing");
        }
    }
}
