using System.CommandLine;

namespace Ferry.Tsh.Commands;

/// <summary>tsh logout: removes the current profile's keys and certificates.</summary>
internal static class LogoutCommand
{
    public static Command Build(TshContext context)
    {
        var command = new Command("logout", "Delete the certificates and keys of the current login");
        command.SetAction(async (_, _) =>
        {
            var profile = context.Store.Current();
            if (profile is null)
            {
                await context.Console.Out.WriteLineAsync("Not logged in.");
                return 0;
            }

            Resident.ResidentAwsProxy.StopAll(context.Store, profile);
            context.Store.Remove(profile);
            await context.Console.Out.WriteLineAsync($"Logged out {profile.Username} from {profile.ProxyAddress}.");
            return 0;
        });
        return command;
    }
}
