using System.Buffers.Text;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Security.Cryptography.Xml;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using System.Xml;
using Ferry.Web.Tests.Infrastructure;
using Ferry.Web.Tests.Infrastructure.Idps;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;

namespace Ferry.Web.Tests.Sso;

/// <summary>
/// Each test identity provider on its own, before any Ferry SSO test leans on it: a browser signs in through its real
/// pages, and what comes back (code, tokens, SAMLResponse, API answers) is checked on the wire. The relying party is a
/// small catcher on 127.0.0.1 that records whatever the browser brings it.
/// </summary>
public sealed class IdpHarnessTests : IAsyncLifetime
{
    private static readonly HttpClient Http = new(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false });

    private static readonly IdpUser Alice = new(
        "alice", "correct horse", "alice@example.com", ["admins", "devs"],
        ["arn:aws:iam::123456789000:role/ExampleTeleportDynamoDBRole", "arn:aws:iam::123456789000:role/ReadOnly"]);

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public async Task InitializeAsync()
    {
        _playwright = await Playwright.CreateAsync();
        _browser = await Chromium.LaunchAsync(_playwright, "idp.test");
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }

    [Fact]
    public async Task Oidc_CodeFlowInChromium_IdTokenCarriesNonceGroupsAndRoleArns()
    {
        await using var rp = await Catcher.StartAsync();
        var redirectUri = rp.Url + "/v1/webapi/oidc/callback";
        await using var idp = await OidcIdp.StartAsync("ferry", "oidc-secret", [redirectUri], [Alice]);
        using var discovery = JsonDocument.Parse(await Http.GetStringAsync(idp.DiscoveryUrl));
        var op = discovery.RootElement;
        Assert.Equal(idp.Issuer, op.GetProperty("issuer").GetString());
        Assert.Contains("S256", Strings(op, "code_challenge_methods_supported"));
        Assert.Contains("groups", Strings(op, "scopes_supported"));
        Assert.Superset(new HashSet<string> { "client_secret_basic", "client_secret_post" }, Strings(op, "token_endpoint_auth_methods_supported").ToHashSet());
        string Endpoint(string name) => op.GetProperty(name).GetString()!;
        string AuthorizeUrl(string state, string nonce, string? challenge) =>
            Endpoint("authorization_endpoint") + "?" + Query(
                ("client_id", "ferry"), ("redirect_uri", redirectUri), ("response_type", "code"), ("scope", "openid email groups"),
                ("state", state), ("nonce", nonce), ("code_challenge", challenge), ("code_challenge_method", challenge is null ? null : "S256"));

        // 1. PKCE and a nonce; a wrong password first, which the login page refuses in place.
        var verifier = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var page = await NewPageAsync();
        await page.GotoAsync(AuthorizeUrl("state-1", "nonce-1", Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)))));
        await SignInAsync(page, Alice.Id, "wrong");
        Assert.Contains("Invalid username or password", await page.Locator("#error").TextContentAsync(), StringComparison.Ordinal);
        await SignInAsync(page, Alice.Id, Alice.Password);
        var callback = await rp.NextAsync();
        Assert.Equal("state-1", callback.Query["state"]);
        Assert.Equal(idp.Issuer, callback.Query["iss"]);

        using var tokens = await PostFormAsync(Endpoint("token_endpoint"), null,
            ("grant_type", "authorization_code"), ("code", callback.Query["code"]), ("redirect_uri", redirectUri),
            ("client_id", "ferry"), ("client_secret", "oidc-secret"), ("code_verifier", verifier));
        Assert.Equal(HttpStatusCode.OK, tokens.Status);
        using var idToken = await VerifiedJwtPayloadAsync(tokens.Body.GetProperty("id_token").GetString()!, Endpoint("jwks_uri"));
        var claims = idToken.RootElement;
        Assert.Equal(idp.Issuer, claims.GetProperty("iss").GetString());
        Assert.Equal("ferry", claims.GetProperty("aud").GetString());
        Assert.Equal("nonce-1", claims.GetProperty("nonce").GetString());
        Assert.Equal("alice", claims.GetProperty("sub").GetString());
        Assert.Equal(Alice.Email, claims.GetProperty("email").GetString());
        Assert.Equal(Alice.Groups, Strings(claims, "groups"));
        Assert.Equal(Alice.AwsRoleArns, Strings(claims, "aws_role_arns"));

        using var userinfo = new HttpRequestMessage(HttpMethod.Get, Endpoint("userinfo_endpoint"));
        userinfo.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens.Body.GetProperty("access_token").GetString());
        using var info = JsonDocument.Parse(await (await Http.SendAsync(userinfo)).Content.ReadAsStringAsync());
        Assert.Equal(Alice.Groups, Strings(info.RootElement, "groups"));
        Assert.Equal(Alice.AwsRoleArns, Strings(info.RootElement, "aws_role_arns"));

        // A code is good once.
        using var again = await PostFormAsync(Endpoint("token_endpoint"), ("ferry", "oidc-secret"),
            ("grant_type", "authorization_code"), ("code", callback.Query["code"]), ("redirect_uri", redirectUri), ("code_verifier", verifier));
        Assert.Equal("invalid_grant", again.Body.GetProperty("error").GetString());

        // 2. A code_challenge once sent must be answered; the IdP session skips the login page from here on.
        await page.GotoAsync(AuthorizeUrl("state-2", "nonce-2", Base64Url.EncodeToString(SHA256.HashData("other"u8))));
        using var unproven = await PostFormAsync(Endpoint("token_endpoint"), ("ferry", "oidc-secret"),
            ("grant_type", "authorization_code"), ("code", (await rp.NextAsync()).Query["code"]), ("redirect_uri", redirectUri));
        Assert.Equal("invalid_grant", unproven.Body.GetProperty("error").GetString());

        // 3. Without PKCE a confidential client is fine, here with client_secret_basic.
        await page.GotoAsync(AuthorizeUrl("state-3", "nonce-3", null));
        var third = await rp.NextAsync();
        Assert.Equal("state-3", third.Query["state"]);
        using var basic = await PostFormAsync(Endpoint("token_endpoint"), ("ferry", "oidc-secret"),
            ("grant_type", "authorization_code"), ("code", third.Query["code"]), ("redirect_uri", redirectUri));
        Assert.True(basic.Status == HttpStatusCode.OK, basic.Body.ToString() + "\n" + idp.Output);
    }

    [Theory]
    [InlineData("assertion")]
    [InlineData("response")]
    [InlineData("both")]
    public async Task Saml_RedirectBindingInChromium_PostsASignedResponseWithAttributes(string sign)
    {
        await using var sp = await Catcher.StartAsync();
        var acs = sp.Url + "/v1/webapi/saml/acs/test-idp";
        const string spEntityId = "https://ferry.test/v1/webapi/saml/acs/test-idp";
        await using var idp = await SamlTestIdp.StartAsync(spEntityId, acs, [Alice], sign);

        var metadata = new XmlDocument();
        metadata.LoadXml(idp.Metadata);
        var ns = Namespaces(metadata);
        Assert.Equal(idp.EntityId, metadata.DocumentElement!.GetAttribute("entityID"));
        var certificateText = metadata.SelectSingleNode("//md:IDPSSODescriptor/md:KeyDescriptor[@use='signing']//ds:X509Certificate", ns)!.InnerText;
        using var certificate = X509CertificateLoader.LoadCertificate(Convert.FromBase64String(certificateText));
        using var pem = X509Certificate2.CreateFromPem(idp.CertificatePem);
        Assert.Equal(pem.Thumbprint, certificate.Thumbprint);
        var sso = (XmlElement)metadata.SelectSingleNode("//md:SingleSignOnService[@Binding='urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect']", ns)!;
        Assert.Equal(idp.SsoUrl, sso.GetAttribute("Location"));

        // saml-bindings-2.0-os §3.4.4.1: DEFLATE (raw), base64, URL-encode.
        var requestId = "_" + Guid.NewGuid().ToString("N");
        var authnRequest = $"""
            <samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="{requestId}" Version="2.0" IssueInstant="{DateTime.UtcNow:yyyy-MM-ddTHH:mm:ssZ}" Destination="{idp.SsoUrl}" AssertionConsumerServiceURL="{acs}" ProtocolBinding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"><saml:Issuer>{spEntityId}</saml:Issuer></samlp:AuthnRequest>
            """;
        var page = await NewPageAsync();
        await page.GotoAsync($"{idp.SsoUrl}?{Query(("SAMLRequest", Deflate(authnRequest)), ("RelayState", "relay-1"))}");
        await SignInAsync(page, Alice.Id, "wrong");
        Assert.Contains("Invalid username or password", await page.Locator("#error").TextContentAsync(), StringComparison.Ordinal);
        await SignInAsync(page, Alice.Id, Alice.Password);

        var post = await sp.NextAsync();
        Assert.Equal(("POST", new Uri(acs).AbsolutePath), (post.Method, post.Path));
        Assert.Equal("relay-1", post.Form["RelayState"]);
        var response = new XmlDocument { PreserveWhitespace = true };
        response.LoadXml(Encoding.UTF8.GetString(Convert.FromBase64String(post.Form["SAMLResponse"])));
        ns = Namespaces(response);
        string Text(string xpath) => response.SelectSingleNode(xpath, ns)?.Value ?? response.SelectSingleNode(xpath, ns)?.InnerText ?? "";
        Assert.Equal(requestId, Text("/samlp:Response/@InResponseTo"));
        Assert.Equal(acs, Text("/samlp:Response/@Destination"));
        Assert.Equal(idp.EntityId, Text("/samlp:Response/saml:Assertion/saml:Issuer"));
        Assert.Equal(requestId, Text("//saml:SubjectConfirmationData/@InResponseTo"));
        Assert.Equal(acs, Text("//saml:SubjectConfirmationData/@Recipient"));
        Assert.Equal(spEntityId, Text("//saml:AudienceRestriction/saml:Audience"));
        Assert.Equal(Alice.Email, Text("//saml:Subject/saml:NameID"));
        string[] Values(string name) =>
            response.SelectNodes($"//saml:Attribute[@Name='{name}']/saml:AttributeValue", ns)!.Cast<XmlNode>().Select(n => n.InnerText).ToArray();
        Assert.Equal([Alice.Email], Values("email"));
        Assert.Equal(Alice.Groups, Values("groups"));
        Assert.Equal(Alice.AwsRoleArns, Values("aws_role_arns"));

        // Every signature verifies with the metadata's certificate and covers the element it sits in (by its ID).
        var signed = new List<string>();
        foreach (var signature in response.SelectNodes("//ds:Signature", ns)!.Cast<XmlElement>())
        {
            var parent = (XmlElement)signature.ParentNode!;
            var verifier = new SignedXml(parent);
            verifier.LoadXml(signature);
            Assert.True(verifier.CheckSignature(certificate, verifySignatureOnly: true), $"the signature in {parent.LocalName} does not verify");
            Assert.Equal("#" + parent.GetAttribute("ID"), Assert.Single(verifier.SignedInfo!.References.Cast<Reference>()).Uri);
            Assert.Equal(SignedXml.XmlDsigRSASHA256Url, verifier.SignatureMethod);
            Assert.Equal(SignedXml.XmlDsigExcC14NTransformUrl, verifier.SignedInfo.CanonicalizationMethod);
            signed.Add(parent.LocalName);
        }

        string[] expected = sign switch { "assertion" => ["Assertion"], "response" => ["Response"], _ => ["Assertion", "Response"] };
        Assert.Equal(expected, signed.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Github_CodeFlowInChromium_ThenTheApiNamesTheUserAndTheirTeams()
    {
        await using var rp = await Catcher.StartAsync();
        var redirectUri = rp.Url + "/v1/webapi/github/callback";
        var octo = new GithubUser("octo", 1, [("octo-org", "admins"), ("octo-org", "devs")]);
        await using var github = await GithubStandIn.StartAsync("gh-client", "gh-secret", [redirectUri], octo);
        var authorize = github.BaseUrl + "/login/oauth/authorize";

        // GitHub's answers to a bad authorize request: an unknown app is a 404 page, a foreign redirect_uri goes back to the
        // registered one with redirect_uri_mismatch.
        using var unknown = await Http.GetAsync(authorize + "?client_id=someone-else");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        using var mismatch = await Http.GetAsync(authorize + "?" + Query(("client_id", "gh-client"), ("redirect_uri", "http://evil.test/cb"), ("state", "s0")));
        Assert.Equal(HttpStatusCode.Redirect, mismatch.StatusCode);
        Assert.StartsWith(redirectUri + "?error=redirect_uri_mismatch&", mismatch.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.EndsWith("&state=s0", mismatch.Headers.Location.OriginalString, StringComparison.Ordinal);

        var page = await NewPageAsync();
        await page.GotoAsync(authorize + "?" + Query(("client_id", "gh-client"), ("redirect_uri", redirectUri), ("state", "state-gh"), ("scope", "read:org")));
        Assert.Equal("octo", await page.Locator("#github-login").TextContentAsync());
        await page.ClickAsync("#authorize");
        var callback = await rp.NextAsync();
        Assert.Equal("state-gh", callback.Query["state"]);
        var code = callback.Query["code"];
        var tokenUrl = github.BaseUrl + "/login/oauth/access_token";

        // A wrong secret is 200 with an error, form-encoded when JSON was not asked for, and does not spend the code.
        using var wrong = await Http.PostAsync(tokenUrl, new FormUrlEncodedContent(
            new Dictionary<string, string> { ["client_id"] = "gh-client", ["client_secret"] = "guess", ["code"] = code }));
        Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
        Assert.Equal("application/x-www-form-urlencoded", wrong.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("error=incorrect_client_credentials&", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var token = await PostFormAsync(tokenUrl, null,
            ("client_id", "gh-client"), ("client_secret", "gh-secret"), ("code", code), ("redirect_uri", redirectUri));
        var accessToken = token.Body.GetProperty("access_token").GetString()!;
        Assert.StartsWith("gho_", accessToken, StringComparison.Ordinal);
        Assert.Equal(("bearer", "read:org"), (token.Body.GetProperty("token_type").GetString(), token.Body.GetProperty("scope").GetString()));
        using var reused = await PostFormAsync(tokenUrl, null, ("client_id", "gh-client"), ("client_secret", "gh-secret"), ("code", code));
        Assert.Equal("bad_verification_code", reused.Body.GetProperty("error").GetString());
        Assert.Equal(1, github.TokenExchanges);

        async Task<(HttpStatusCode Status, JsonElement Body)> GetApiAsync(string path, string? scheme)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, github.ApiUrl + path);
            if (scheme is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue(scheme, accessToken);
            }

            using var answer = await Http.SendAsync(request);
            return (answer.StatusCode, JsonDocument.Parse(await answer.Content.ReadAsStringAsync()).RootElement.Clone());
        }

        var anonymous = await GetApiAsync("/user", null);
        Assert.Equal((HttpStatusCode.Unauthorized, "Requires authentication"), (anonymous.Status, anonymous.Body.GetProperty("message").GetString()));
        var user = await GetApiAsync("/user", "Bearer");
        Assert.Equal(("octo", 1), (user.Body.GetProperty("login").GetString(), user.Body.GetProperty("id").GetInt32()));
        var teams = await GetApiAsync("/user/teams", "token");
        Assert.Equal(
            [("octo-org", "admins"), ("octo-org", "devs")],
            teams.Body.EnumerateArray().Select(t => (t.GetProperty("organization").GetProperty("login").GetString()!, t.GetProperty("slug").GetString()!)));
        Assert.Equal("token", github.LastAuthorizationScheme);
    }

    private async Task<IPage> NewPageAsync()
    {
        var context = await Chromium.NewContextAsync(_browser!);
        context.SetDefaultTimeout(15_000);
        return await context.NewPageAsync();
    }

    /// <summary>The OIDC and SAML IdPs' login form, the way a person fills it.</summary>
    private static async Task SignInAsync(IPage page, string login, string password)
    {
        await page.FillAsync("#login", login);
        await page.FillAsync("#password", password);
        await page.ClickAsync("#submit");
    }

    private static string Query(params (string Name, string? Value)[] parameters) =>
        string.Join('&', parameters.Where(p => p.Value is not null).Select(p => Uri.EscapeDataString(p.Name) + "=" + Uri.EscapeDataString(p.Value!)));

    private static string[] Strings(JsonElement element, string property) =>
        element.GetProperty(property).EnumerateArray().Select(e => e.GetString()!).ToArray();

    private static string Deflate(string xml)
    {
        using var buffer = new MemoryStream();
        using (var deflate = new DeflateStream(buffer, CompressionLevel.Optimal))
        {
            deflate.Write(Encoding.UTF8.GetBytes(xml));
        }

        return Convert.ToBase64String(buffer.ToArray());
    }

    private static XmlNamespaceManager Namespaces(XmlDocument document)
    {
        var ns = new XmlNamespaceManager(document.NameTable);
        ns.AddNamespace("md", "urn:oasis:names:tc:SAML:2.0:metadata");
        ns.AddNamespace("ds", SignedXml.XmlDsigNamespaceUrl);
        ns.AddNamespace("samlp", "urn:oasis:names:tc:SAML:2.0:protocol");
        ns.AddNamespace("saml", "urn:oasis:names:tc:SAML:2.0:assertion");
        return ns;
    }

    /// <summary>POSTs a form with Accept: application/json, and HTTP Basic client authentication when <paramref name="basic"/> is given.</summary>
    private static async Task<JsonAnswer> PostFormAsync(string url, (string Id, string Secret)? basic, params (string Name, string Value)[] fields)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new FormUrlEncodedContent(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value))),
        };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (basic is { } credentials)
        {
            // RFC 6749 §2.3.1: each part form-encoded before base64.
            var pair = Uri.EscapeDataString(credentials.Id) + ":" + Uri.EscapeDataString(credentials.Secret);
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(pair)));
        }

        using var response = await Http.SendAsync(request);
        return new JsonAnswer(response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()));
    }

    /// <summary>The JWT's payload once its RS256 signature verifies against the key its kid names at the jwks_uri.</summary>
    private static async Task<JsonDocument> VerifiedJwtPayloadAsync(string jwt, string jwksUri)
    {
        var parts = jwt.Split('.');
        Assert.Equal(3, parts.Length);
        using var header = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[0]));
        Assert.Equal("RS256", header.RootElement.GetProperty("alg").GetString());
        using var jwks = JsonDocument.Parse(await Http.GetStringAsync(jwksUri));
        var kid = header.RootElement.GetProperty("kid").GetString();
        var key = jwks.RootElement.GetProperty("keys").EnumerateArray().Single(k => k.GetProperty("kid").GetString() == kid);
        using var rsa = RSA.Create(new RSAParameters
        {
            Modulus = Base64Url.DecodeFromChars(key.GetProperty("n").GetString()),
            Exponent = Base64Url.DecodeFromChars(key.GetProperty("e").GetString()),
        });
        Assert.True(rsa.VerifyData(
            Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), Base64Url.DecodeFromChars(parts[2]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        return JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1]));
    }

    private sealed record JsonAnswer(HttpStatusCode Status, JsonDocument Json) : IDisposable
    {
        public JsonElement Body => Json.RootElement;

        public void Dispose() => Json.Dispose();
    }

    /// <summary>One request the browser brought to the catcher.</summary>
    private sealed record Hit(string Method, string Path, IReadOnlyDictionary<string, string> Query, IReadOnlyDictionary<string, string> Form);

    /// <summary>The relying party's side: a Kestrel on 127.0.0.1 recording every request the browser makes to it.</summary>
    private sealed class Catcher : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly Channel<Hit> _hits = Channel.CreateUnbounded<Hit>();

        private Catcher(WebApplication app)
        {
            _app = app;
        }

        public string Url { get; private set; } = "";

        public static async Task<Catcher> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var app = builder.Build();
            var catcher = new Catcher(app);
            app.Run(async http =>
            {
                if (http.Request.Path == "/favicon.ico")
                {
                    http.Response.StatusCode = 404; // the browser asks on its own; not a hit
                    return;
                }

                var form = http.Request.HasFormContentType ? await http.Request.ReadFormAsync() : null;
                catcher._hits.Writer.TryWrite(new Hit(
                    http.Request.Method,
                    http.Request.Path,
                    http.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal),
                    form?.ToDictionary(f => f.Key, f => f.Value.ToString(), StringComparer.Ordinal) ?? new Dictionary<string, string>(StringComparer.Ordinal)));
                http.Response.ContentType = "text/html; charset=utf-8";
                await http.Response.WriteAsync("<!doctype html><p id=\"caught\">caught</p>");
            });
            await app.StartAsync();
            catcher.Url = app.Urls.First().TrimEnd('/');
            return catcher;
        }

        /// <summary>The next request, waiting at most 20 s for the browser to bring it.</summary>
        public async Task<Hit> NextAsync()
        {
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            try
            {
                return await _hits.Reader.ReadAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException("the browser brought nothing to the relying party within 20 s");
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
