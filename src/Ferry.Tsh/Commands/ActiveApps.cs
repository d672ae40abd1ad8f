using Ferry.Client.Profiles;
using Ferry.Core.Errors;

namespace Ferry.Tsh.Commands;

/// <summary>Which app a command acts on when --app is not given (docs/aws-access.md §2.3).</summary>
internal static class ActiveApps
{
    public static AppLogin Choose(ProfileStore store, Profile profile, string? name)
    {
        var logins = store.AppLogins(profile);
        if (name is not null)
        {
            return logins.FirstOrDefault(l => l.AppName == name)
                ?? throw FerryException.NotFound($"not logged into app \"{name}\"; run: tsh apps login {name}");
        }

        return logins.Count switch
        {
            1 => logins[0],
            0 => throw FerryException.AccessDenied("please login using 'tsh apps login' first"),
            _ => throw FerryException.BadParameter($"multiple apps are available ({string.Join(", ", logins.Select(l => l.AppName))}), please specify one via --app"),
        };
    }
}
