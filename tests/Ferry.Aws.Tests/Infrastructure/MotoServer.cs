using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Xml.Linq;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Signing;

namespace Ferry.Aws.Tests.Infrastructure;

/// <summary>
/// A real moto server (docs/testing.md §3.2b, §5) on a free 127.0.0.1 port, for tests that need AWS to check
/// signatures and IAM policies. Self-contained (it needs only AWSSDK.Core), so other test projects can copy it.
/// <para>
/// With <c>initialNoAuthActionCount</c> = N, moto answers the first N actions without any check (use them to
/// create users, keys, policies and roles with <see cref="QueryAsync"/> and the helpers) and checks the SigV4
/// signature and the IAM policy of every later request. Count exactly: one action per helper call listed below.
/// </para>
/// A missing moto fails the test with an explanation; it never passes silently.
/// </summary>
public sealed class MotoServer : IAsyncDisposable
{
    /// <summary>moto's default account.</summary>
    public const string AccountId = "123456789012";

    private static readonly BasicAWSCredentials SetupCredentials = new("AKIAMOTOSETUP0000000", "moto-setup-secret");
    private readonly Process _process;
    private readonly StringBuilder _log = new();
    private readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false });

    private MotoServer(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public Uri Endpoint => new($"http://127.0.0.1:{Port}");

    /// <summary>moto's output so far (request lines and errors), for failure messages.</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    public static async Task<MotoServer> StartAsync(int initialNoAuthActionCount = 0, CancellationToken ct = default)
    {
        var port = FreePort();
        var (file, args) = FindMoto();
        var psi = new ProcessStartInfo(file, $"{args} -H 127.0.0.1 -p {port}")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };

        // The machine presets CA and proxy variables (docs/testing.md §4.2): give the child an explicit environment.
        foreach (var name in psi.Environment.Keys.ToList())
        {
            var upper = name.ToUpperInvariant();
            if (upper.StartsWith("AWS_", StringComparison.Ordinal) || upper.EndsWith("_PROXY", StringComparison.Ordinal)
                || upper.StartsWith("MOTO_", StringComparison.Ordinal) || upper == "INITIAL_NO_AUTH_ACTION_COUNT")
            {
                psi.Environment.Remove(name);
            }
        }

        psi.Environment["PYTHONUNBUFFERED"] = "1";
        if (initialNoAuthActionCount > 0)
        {
            psi.Environment["INITIAL_NO_AUTH_ACTION_COUNT"] = initialNoAuthActionCount.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new InvalidOperationException("moto did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException(MissingMoto($"'{file}' cannot be started: {e.Message}"), e);
        }

        var server = new MotoServer(process, port);
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await server.WaitUntilReadyAsync(ct);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Calls a query-protocol API (IAM, STS) with a form-encoded POST signed by AWSSDK.Core; throws with moto's
    /// answer on a non-2xx status. Each call is one action for INITIAL_NO_AUTH_ACTION_COUNT.
    /// </summary>
    public async Task<XDocument> QueryAsync(
        string service, string action, string version, IEnumerable<KeyValuePair<string, string>>? parameters = null,
        AWSCredentials? credentials = null, CancellationToken ct = default)
    {
        var form = new List<KeyValuePair<string, string>> { new("Action", action), new("Version", version) };
        form.AddRange(parameters ?? []);
        var body = Encoding.UTF8.GetBytes(string.Join('&', form.Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value)}")));
        var signing = new AWSSigningRequest { HttpMethod = HttpMethod.Post, RequestUri = new Uri(Endpoint, "/"), Content = body };
        signing.Headers["Content-Type"] = "application/x-www-form-urlencoded; charset=utf-8";
        var signed = await AWSSigV4Signer.SignAsync(signing, new AWSSigV4Parameters
        {
            Credentials = credentials ?? SetupCredentials,
            Region = RegionEndpoint.USEast1,
            Service = service,
        }, ct);

        using var request = new HttpRequestMessage(HttpMethod.Post, signing.RequestUri) { Content = new ByteArrayContent(body) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", signing.Headers["Content-Type"]);
        foreach (var (k, v) in signed.Headers)
        {
            request.Headers.TryAddWithoutValidation(k, v);
        }

        using var response = await _http.SendAsync(request, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"moto {service} {action} failed with {(int)response.StatusCode}: {text}");
        }

        return XDocument.Parse(text);
    }

    /// <summary>Creates an IAM user with an inline policy and an access key: 3 actions.</summary>
    public async Task<BasicAWSCredentials> CreateUserAsync(string userName, string policyDocument, CancellationToken ct = default)
    {
        await QueryAsync("iam", "CreateUser", "2010-05-08", [new("UserName", userName)], ct: ct);
        await QueryAsync("iam", "PutUserPolicy", "2010-05-08",
            [new("UserName", userName), new("PolicyName", userName + "-policy"), new("PolicyDocument", policyDocument)], ct: ct);
        var key = await QueryAsync("iam", "CreateAccessKey", "2010-05-08", [new("UserName", userName)], ct: ct);
        return new BasicAWSCredentials(Element(key, "AccessKeyId"), Element(key, "SecretAccessKey"));
    }

    /// <summary>Creates an IAM role with a trust policy (1 action) and, when given, an inline policy (1 more); returns its ARN.</summary>
    public async Task<string> CreateRoleAsync(string roleName, string trustPolicy, string? policyDocument = null, CancellationToken ct = default)
    {
        var role = await QueryAsync("iam", "CreateRole", "2010-05-08",
            [new("RoleName", roleName), new("AssumeRolePolicyDocument", trustPolicy), new("MaxSessionDuration", "43200")], ct: ct);
        if (policyDocument is not null)
        {
            await QueryAsync("iam", "PutRolePolicy", "2010-05-08",
                [new("RoleName", roleName), new("PolicyName", roleName + "-policy"), new("PolicyDocument", policyDocument)], ct: ct);
        }

        return Element(role, "Arn");
    }

    /// <summary>A policy document allowing <paramref name="actions"/> on every resource.</summary>
    public static string Allow(params string[] actions) =>
        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":["
        + string.Join(',', actions.Select(a => $"\"{a}\"")) + "],\"Resource\":\"*\"}]}";

    /// <summary>
    /// A trust policy letting <paramref name="principalArn"/> assume the role, optionally only with an external ID.
    /// moto checks trust policies against the caller's own ARN: an account principal (":root") does not match a user.
    /// </summary>
    public static string Trust(string principalArn, string? externalId = null) =>
        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"" + principalArn
        + "\"},\"Action\":[\"sts:AssumeRole\",\"sts:SetSourceIdentity\"]"
        + (externalId is null ? string.Empty : ",\"Condition\":{\"StringEquals\":{\"sts:ExternalId\":\"" + externalId + "\"}}")
        + "}]}";

    /// <summary>The ARN moto gives an IAM user.</summary>
    public static string UserArn(string userName) => $"arn:aws:iam::{AccountId}:user/{userName}";

    public static string Element(XDocument document, string localName) =>
        document.Descendants().First(e => e.Name.LocalName == localName).Value;

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token);
            }
        }
        catch (Exception e) when (e is InvalidOperationException or OperationCanceledException)
        {
            // Already gone.
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.AppendLine(line);
        }
    }

    private async Task WaitUntilReadyAsync(CancellationToken ct)
    {
        // GET /moto-api/ is served by moto itself and does not count as an action.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            ct.ThrowIfCancellationRequested();
            if (_process.HasExited)
            {
                throw new InvalidOperationException(MissingMoto($"it exited with code {_process.ExitCode}:\n{Log}"));
            }

            try
            {
                using var response = await _http.GetAsync(new Uri(Endpoint, "/moto-api/"), ct);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(100, ct);
        }

        throw new TimeoutException($"moto did not answer on {Endpoint} within 30 s:\n{Log}");
    }

    private static (string File, string Args) FindMoto()
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        foreach (var dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            if (File.Exists(Path.Combine(dir, "moto_server")))
            {
                return (Path.Combine(dir, "moto_server"), string.Empty);
            }
        }

        return ("python3", "-m moto.server");
    }

    private static string MissingMoto(string detail) =>
        "moto is required for this test (docs/testing.md §3.2b: the image's pyenv python 3.11 ships moto 5.2.1 with moto_server; "
        + "elsewhere: pip install \"moto[server]\"), but " + detail;

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
