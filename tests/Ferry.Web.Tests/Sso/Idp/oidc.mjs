// A real OpenID Provider (panva's certified oidc-provider) for the SSO browser tests, on http://127.0.0.1:PORT.
//
//   node oidc.mjs config.json
//   config.json: { "port": 5556,
//                  "clients": [{ "client_id": "ferry", "client_secret": "s3cret", "redirect_uris": ["https://ferry.test/v1/webapi/oidc/callback"] }],
//                  "users": [{ "id": "alice", "password": "pw", "claims": { "email": "alice@example.com", "groups": ["admins"], "aws_role_arns": ["arn:..."] } }] }
//
// Prints `READY http://127.0.0.1:PORT` on stdout once listening (the C# harness waits for that line).
//
// Flow: /auth -> /interaction/<uid> (our login form, ids login/password/submit) -> POST /interaction/<uid>/login
// -> /auth/<uid> (resume) -> /interaction/<uid2> (consent, granted here without a page) -> /auth/<uid2> -> redirect_uri?code&state.
// Choices, each because a test relies on it:
//  - scope `groups` carries `groups` and `aws_role_arns`; `conformIdTokenClaims: false` puts scope claims in the
//    ID token as well as in userinfo (with the default, a code flow gets them from userinfo only).
//  - PKCE: oidc-provider 9 requires it only for public clients (token_endpoint_auth_method none); for our confidential
//    clients it is optional, but a code_challenge once sent must be matched by the code_verifier (S256 only).
//  - client_secret_basic and client_secret_post are both accepted for a client registered with either.
//  - cookies: oidc-provider marks them Secure only when the request is https (ctx.secure), so plain http on
//    127.0.0.1 works; the issuer may be http (nothing refuses it outside FAPI profiles).
import { randomBytes, generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

import Provider from 'oidc-provider';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const host = '127.0.0.1';
const issuer = `http://${host}:${config.port}`;
const users = new Map(config.users.map((u) => [u.id, u]));

// Claims any user carries beyond the known ones go with `openid`, so a test can add one without touching this file.
const scoped = new Set(['sub', 'email', 'email_verified', 'name', 'preferred_username', 'groups', 'aws_role_arns']);
const extra = [...new Set(config.users.flatMap((u) => Object.keys(u.claims ?? {})))].filter((c) => !scoped.has(c));

// A fresh RS256 signing key per start: tests read it from jwks_uri like any relying party.
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = { ...privateKey.export({ format: 'jwk' }), kid: randomBytes(8).toString('hex'), alg: 'RS256', use: 'sig' };

const provider = new Provider(issuer, {
  clients: config.clients.map((c) => ({
    client_id: c.client_id,
    client_secret: c.client_secret,
    redirect_uris: c.redirect_uris,
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: c.token_endpoint_auth_method ?? 'client_secret_basic',
  })),
  jwks: { keys: [jwk] },
  claims: {
    openid: ['sub', ...extra],
    email: ['email', 'email_verified'],
    profile: ['name', 'preferred_username'],
    groups: ['groups', 'aws_role_arns'],
  },
  conformIdTokenClaims: false,
  pkce: { required: (ctx, client) => client.clientAuthMethod === 'none' },
  features: { devInteractions: { enabled: false } },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  cookies: { keys: [randomBytes(32).toString('hex')] },
  async findAccount(ctx, sub) {
    const user = users.get(sub);
    if (!user) return undefined;
    return {
      accountId: sub,
      // oidc-provider filters these by the granted scopes and claims.
      async claims() {
        return { email_verified: true, preferred_username: user.id, ...user.claims, sub };
      },
    };
  },
});

// Failures show on stderr, which the harness attaches to a failed start; no token or secret is printed.
for (const event of ['server_error', 'authorization.error', 'grant.error', 'userinfo.error', 'introspection.error']) {
  provider.on(event, (ctx, err) => console.error(`${event}: ${err?.name}: ${err?.message} ${err?.error_description ?? ''} ${err?.cause?.message ?? ''}`));
}

const escape = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function loginPage(uid, clientId, error) {
  return `<!doctype html><html><head><meta charset="utf-8"><title>Sign in - test OIDC IdP</title></head><body>
<h1>Test OIDC IdP</h1><p id="client">Signing in to ${escape(clientId)}</p>
${error ? `<p id="error" role="alert" style="color:#b00">${escape(error)}</p>` : ''}
<form method="post" action="/interaction/${escape(uid)}/login" autocomplete="off">
<label for="login">Username</label> <input name="login" id="login" autofocus>
<label for="password">Password</label> <input name="password" id="password" type="password">
<button type="submit" id="submit">Sign in</button>
</form></body></html>`;
}

async function readForm(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function send(res, status, html) {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(html);
}

async function interaction(req, res) {
  const details = await provider.interactionDetails(req, res);
  const { uid, prompt, params } = details;

  if (req.method === 'GET' && prompt.name === 'login') {
    return send(res, 200, loginPage(uid, params.client_id));
  }

  if (req.method === 'POST' && req.url.endsWith('/login') && prompt.name === 'login') {
    const form = await readForm(req);
    const user = users.get(form.get('login') ?? '');
    if (!user || user.password !== form.get('password')) {
      return send(res, 200, loginPage(uid, params.client_id, 'Invalid username or password.'));
    }

    return provider.interactionFinished(req, res, { login: { accountId: user.id } }, { mergeWithLastSubmission: false });
  }

  if (req.method === 'GET' && prompt.name === 'consent') {
    // Consent is granted without a page: grant what is missing (the README's "confirm" step) and resume.
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: details.session.accountId, clientId: params.client_id });
    if (prompt.details.missingOIDCScope) grant.addOIDCScope(prompt.details.missingOIDCScope.join(' '));
    if (prompt.details.missingOIDCClaims) grant.addOIDCClaims(prompt.details.missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(prompt.details.missingResourceScopes ?? {})) {
      grant.addResourceScope(indicator, scopes.join(' '));
    }

    const grantId = await grant.save();
    const consent = details.grantId ? {} : { grantId };
    return provider.interactionFinished(req, res, { consent }, { mergeWithLastSubmission: true });
  }

  return send(res, 400, `<p id="error">unexpected interaction ${escape(req.method)} ${escape(prompt.name)}</p>`);
}

const callback = provider.callback();
const server = createServer((req, res) => {
  if (!req.url.startsWith('/interaction/')) return callback(req, res);
  return interaction(req, res).catch((err) => {
    console.error(`interaction: ${err?.name}: ${err?.message}`);
    if (!res.headersSent) send(res, 400, `<p id="error">${escape(err?.message ?? err)}</p>`);
    else res.end();
  });
});

server.listen(config.port, host, () => console.log(`READY ${issuer}`));
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => server.close(() => process.exit(0)));
