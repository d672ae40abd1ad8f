using Ferry.Config;
using Ferry.Core.Errors;

namespace Ferry.Teleport.Runtime;

/// <summary>The join token of a host that has not joined yet (an app agent, a separate proxy).</summary>
internal static class JoinToken
{
    /// <summary>join_params.token_name is the token itself or, as in the guide, a file holding it.</summary>
    public static string? Read(JoinParams? join, string kind)
    {
        if (join is null)
        {
            return null;
        }

        if (!join.TokenIsFilePath)
        {
            return join.TokenName;
        }

        try
        {
            return File.ReadAllText(join.TokenName).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw FerryException.BadParameter(
                $"cannot read the join token file {join.TokenName} (teleport.join_params.token_name): {e.Message}; copy the token printed by `tctl tokens add --type={kind}` there");
        }
    }
}
