using Ferry.Aws.SigV4;

namespace Ferry.Aws.Tests.SigV4;

/// <summary>Whatever a client sends, the verifier answers with a status, never an exception.</summary>
public sealed class SigV4VerifierHostileInputTests
{
    private const string Sig = "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7";
    private const string Scope = "AKIDTHROWAWAY0EXAMPLE/20261124/us-east-1/execute-api/aws4_request";

    public static TheoryData<string, string, string?, string?> Inputs => new()
    {
        // path, query, Authorization, X-Amz-Date
        { "/", "", $"AWS4-HMAC-SHA256 Credential={Scope}, SignedHeaders=host;x-amz-date, Signature={Sig}", "20261124T123600Z" },
        { "/\ud800x", "a=%", $"AWS4-HMAC-SHA256 Credential={Scope}, SignedHeaders=host;x-amz-date, Signature={Sig}", "20261124T123600Z" },
        { "/%zz/%", "%%%&&&==&=&a=b=c", $"AWS4-HMAC-SHA256 Credential={Scope}, SignedHeaders=host;x-amz-date, Signature={Sig}", "20261124T123600Z" },
        { "/../../..", "\u00e9=\ud83d\ude00", $"AWS4-HMAC-SHA256 Credential={Scope}, SignedHeaders=host;x-amz-date, Signature={"é".PadRight(64, 'x')}", "20261124T123600Z" },
        { "//", "", $"AWS4-HMAC-SHA256 Credential={Scope}, SignedHeaders=HOST;X-AMZ-DATE;x-missing, Signature={Sig}", "20261124T123600Z" },
        { "/", "", $"AWS4-HMAC-SHA256 Credential={Scope}, SignedHeaders=host;x-amz-date, Signature={Sig}", "" },
        { "/", "", $"AWS4-HMAC-SHA256 Credential={Scope}, SignedHeaders=host;x-amz-date, Signature={Sig}", "99999999T999999Z" },
        { "/", "", $"AWS4-HMAC-SHA256 Credential={Scope}, SignedHeaders=host;x-amz-date, Signature={Sig}", null },
        { "/", "", "AWS4-HMAC-SHA256 Credential=a/b/c/d/aws4_request, SignedHeaders=host, Signature=x", "20261124T123600Z" },
        { "/", "", "AWS4-HMAC-SHA256 ,,,", "20261124T123600Z" },
        { "/", "", "AWS4-HMAC-SHA256 Credential==, SignedHeaders==, Signature==", "20261124T123600Z" },
        { "/", "", "", "20261124T123600Z" },
        { "/", "", null, "20261124T123600Z" },
        { "/", "X-Amz-Algorithm=%", null, null },
        { "/", "X-Amz-Signature=&X-Amz-Credential=%2F%2F%2F%2F&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=&X-Amz-Expires=&X-Amz-SignedHeaders=;", null, null },
        { "/", $"X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential={Uri.EscapeDataString(Scope)}&X-Amz-Date=20261124T123600Z&X-Amz-Expires=99999999999&X-Amz-SignedHeaders=host&X-Amz-Signature={Sig}", null, null },
        { "/", $"X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential={Uri.EscapeDataString(Scope)}&X-Amz-Date=20261124T123600Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host;x-missing&X-Amz-Signature=%E0%A4%A", null, null },
        { "/", $"X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential={Uri.EscapeDataString(Scope)}&X-Amz-Date=20261124T123600Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host&X-Amz-Signature={Sig}", $"AWS4-HMAC-SHA256 Credential={Scope}, SignedHeaders=host, Signature={Sig}", null },
    };

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Verify_HostileInput_StatusNotException(string path, string query, string? authorization, string? amzDate)
    {
        var headers = new List<KeyValuePair<string, string>> { new("Host", "h.example"), new("X-Empty", null!) };
        if (authorization is not null)
        {
            headers.Add(new("Authorization", authorization));
        }

        if (amzDate is not null)
        {
            headers.Add(new("X-Amz-Date", amzDate));
        }

        var request = new SigV4Request("GET", "h.example", path, query, headers);

        var result = new SigV4Verifier().Verify(request, SigV4Payload.FromBody(new byte[] { 0, 1, 2 }), new AwsCredentials("AKIDTHROWAWAY0EXAMPLE", "s"));

        Assert.False(result.IsValid);
        Assert.False(string.IsNullOrEmpty(result.Reason));
    }
}
