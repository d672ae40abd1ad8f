using System.Text.Json;
using Ferry.Core.Errors;
using Ferry.Core.Resources;
using Ferry.Core.Resources.Codec;

namespace Ferry.Client.Http;

/// <summary>Reads a JSON array of resources as the auth API returns them, each element through the strict resource reader.</summary>
public static class ResourceLists
{
    public static IReadOnlyList<T> Deserialize<T>(byte[] json)
        where T : IResource
    {
        using var document = JsonDocument.Parse(json);
        if (document.RootElement.ValueKind != JsonValueKind.Array)
        {
            throw FerryException.Unavailable("the server answered with something other than a list of resources");
        }

        return document.RootElement.EnumerateArray().Select(e => ResourceJson.Deserialize<T>(e.GetRawText())).ToList();
    }
}
