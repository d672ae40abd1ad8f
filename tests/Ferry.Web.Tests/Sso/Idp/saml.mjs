// A SAML 2.0 identity provider (samlify as the IdP) for the SSO browser tests, on http://127.0.0.1:PORT.
//
//   node saml.mjs config.json
//   config.json: { "port": 5557, "entity_id": "http://127.0.0.1:5557/metadata" (optional),
//                  "sp": { "entity_id": "https://ferry.test/v1/webapi/saml/acs/okta", "acs": "https://ferry.test/v1/webapi/saml/acs/okta" },
//                  "users": [{ "id": "alice", "password": "pw", "email": "alice@example.com",
//                              "attributes": { "groups": ["admins"], "aws_role_arns": ["arn:..."] } }],
//                  "sign": "assertion" | "response" | "both" }
//
// Endpoints (saml-bindings-2.0-os):
//   GET  /metadata          the IdP's EntityDescriptor: signing certificate, SingleSignOnService (HTTP-Redirect) at /sso
//   GET  /sso?SAMLRequest=  HTTP-Redirect binding (§3.4): the AuthnRequest is parsed, then a login form (ids login/password/submit)
//   POST /sso/login         checks the password, answers the HTTP-POST binding (§3.5): a self-submitting form to the ACS
//   GET  /idp-initiated?user=ID&password=PW   the same POST form without InResponseTo (an unsolicited response)
// The key and certificate are idp-key.pem / idp-cert.pem beside the config file: loaded when present, else made and written
// there, so a test can read the certificate from disk as well as from the metadata.
// Prints `READY http://127.0.0.1:PORT` on stdout once listening.
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, join, resolve } from 'node:path';

import forge from 'node-forge';
import * as samlify from 'samlify';

const configPath = resolve(process.argv[2]);
const config = JSON.parse(readFileSync(configPath, 'utf8'));
const base = `http://127.0.0.1:${config.port}`;
const entityId = config.entity_id ?? `${base}/metadata`;
const sign = config.sign ?? 'assertion';
if (!['assertion', 'response', 'both'].includes(sign)) throw new Error(`sign must be assertion, response or both, not ${sign}`);
const users = new Map(config.users.map((u) => [u.id, u]));

// samlify refuses to parse any message until a schema validator is set. The messages come from the SP under test, whose
// own tests own their shape; the XSD validators on npm need Java or a native xmllint, so this one accepts everything.
samlify.setSchemaValidator({ validate: async () => 'skipped' });

function keyAndCertificate() {
  const keyFile = join(dirname(configPath), 'idp-key.pem');
  const certFile = join(dirname(configPath), 'idp-cert.pem');
  if (existsSync(keyFile) && existsSync(certFile)) return { key: readFileSync(keyFile, 'utf8'), cert: readFileSync(certFile, 'utf8') };

  // node:crypto makes the key (fast, native); node-forge only wraps it in a self-signed certificate, which node cannot.
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const key = privateKey.export({ type: 'pkcs8', format: 'pem' });
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }));
  cert.serialNumber = `01${randomBytes(8).toString('hex')}`;
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 365 * 24 * 3600_000);
  const subject = [{ name: 'commonName', value: 'Ferry test SAML IdP' }];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.sign(forge.pki.privateKeyFromPem(key), forge.md.sha256.create());
  const pem = forge.pki.certificateToPem(cert);
  writeFileSync(keyFile, key, { mode: 0o600 });
  writeFileSync(certFile, pem);
  return { key, cert: pem };
}

const { key, cert } = keyAndCertificate();
const emailFormat = 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress';

const idp = samlify.IdentityProvider({
  entityID: entityId,
  signingCert: cert,
  privateKey: key,
  wantAuthnRequestsSigned: false,
  isAssertionEncrypted: false,
  nameIDFormat: [emailFormat],
  requestSignatureAlgorithm: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
  singleSignOnService: [{ Binding: samlify.Constants.namespace.binding.redirect, Location: `${base}/sso` }],
});

// samlify signs what the SP's settings ask for: the assertion when it wants assertions signed, the Response when it wants
// messages signed or does not want assertions signed (binding-post.js base64LoginResponse).
const sp = samlify.ServiceProvider({
  entityID: config.sp.entity_id,
  assertionConsumerService: [{ Binding: samlify.Constants.namespace.binding.post, Location: config.sp.acs }],
  wantAssertionsSigned: sign !== 'response',
  wantMessageSigned: sign === 'both',
  authnRequestsSigned: false,
});

const xml = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function attribute(name, values) {
  const items = values.map((v) => `<saml:AttributeValue xsi:type="xs:string">${xml(v)}</saml:AttributeValue>`).join('');
  return `<saml:Attribute Name="${xml(name)}" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:basic">${items}</saml:Attribute>`;
}

// The whole Response, written out rather than through samlify's {Tag} templates: attributes are multi-valued and every
// value is escaped here. saml-core-2.0-os §2.3.3 (Assertion), §2.7.2 (AuthnStatement), §2.7.3 (AttributeStatement).
function responseXml(user, inResponseTo) {
  const now = new Date();
  const later = new Date(now.getTime() + 5 * 60_000).toISOString();
  const instant = now.toISOString();
  const irt = inResponseTo ? ` InResponseTo="${xml(inResponseTo)}"` : '';
  const attributes = { email: [user.email], ...user.attributes };
  const statement = Object.entries(attributes).map(([name, values]) => attribute(name, [values].flat())).join('');
  return `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_${randomUUID()}" Version="2.0" IssueInstant="${instant}" Destination="${xml(config.sp.acs)}"${irt}>`
    + `<saml:Issuer>${xml(entityId)}</saml:Issuer><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>`
    + `<saml:Assertion xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xs="http://www.w3.org/2001/XMLSchema" ID="_${randomUUID()}" Version="2.0" IssueInstant="${instant}">`
    + `<saml:Issuer>${xml(entityId)}</saml:Issuer>`
    + `<saml:Subject><saml:NameID Format="${emailFormat}">${xml(user.email)}</saml:NameID>`
    + `<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData NotOnOrAfter="${later}" Recipient="${xml(config.sp.acs)}"${irt}/></saml:SubjectConfirmation></saml:Subject>`
    + `<saml:Conditions NotBefore="${instant}" NotOnOrAfter="${later}"><saml:AudienceRestriction><saml:Audience>${xml(config.sp.entity_id)}</saml:Audience></saml:AudienceRestriction></saml:Conditions>`
    + `<saml:AuthnStatement AuthnInstant="${instant}" SessionIndex="_${randomUUID()}"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>`
    + `<saml:AttributeStatement>${statement}</saml:AttributeStatement>`
    + '</saml:Assertion></samlp:Response>';
}

async function postForm(user, inResponseTo, relayState) {
  const response = await idp.createLoginResponse(sp, {}, 'post', user, {
    customTagReplacement: () => ({ id: '', context: responseXml(user, inResponseTo) }),
  });
  return `<!doctype html><html><head><meta charset="utf-8"><title>Signing you in</title></head>
<body onload="document.forms[0].submit()"><form method="post" action="${xml(config.sp.acs)}">
<input type="hidden" name="SAMLResponse" value="${xml(response.context)}">
${relayState ? `<input type="hidden" name="RelayState" value="${xml(relayState)}">` : ''}
<noscript><p>JavaScript is off: press Continue.</p></noscript><button type="submit" id="continue">Continue</button>
</form></body></html>`;
}

function loginPage(ticket, error) {
  return `<!doctype html><html><head><meta charset="utf-8"><title>Sign in - test SAML IdP</title></head><body>
<h1>Test SAML IdP</h1><p id="sp">Signing in to ${xml(config.sp.entity_id)}</p>
${error ? `<p id="error" role="alert" style="color:#b00">${xml(error)}</p>` : ''}
<form method="post" action="/sso/login" autocomplete="off"><input type="hidden" name="ticket" value="${xml(ticket)}">
<label for="login">Username</label> <input name="login" id="login" autofocus>
<label for="password">Password</label> <input name="password" id="password" type="password">
<button type="submit" id="submit">Sign in</button>
</form></body></html>`;
}

// Pending AuthnRequests by a random ticket the form carries: the request ID for InResponseTo, and the RelayState.
const pending = new Map();

function checkUser(login, password) {
  const user = users.get(login ?? '');
  return user && user.password === password ? user : undefined;
}

async function sso(url) {
  const query = Object.fromEntries(url.searchParams);
  if (!query.SAMLRequest) return [400, '<p id="error">SAMLRequest is missing</p>'];
  const parsed = await idp.parseLoginRequest(sp, 'redirect', { query, octetString: url.search.slice(1) });
  const request = parsed.extract.request ?? {};
  // A real IdP finds the SP by the request's Issuer, and answers only to an ACS registered for it.
  if (parsed.extract.issuer !== config.sp.entity_id) {
    return [400, `<p id="error">unknown service provider ${xml(parsed.extract.issuer ?? '(no Issuer)')}</p>`];
  }

  if (request.assertionConsumerServiceUrl && request.assertionConsumerServiceUrl !== config.sp.acs) {
    return [400, `<p id="error">AssertionConsumerServiceURL ${xml(request.assertionConsumerServiceUrl)} is not registered</p>`];
  }

  const ticket = randomBytes(16).toString('hex');
  pending.set(ticket, { id: request.id, relayState: query.RelayState });
  return [200, loginPage(ticket)];
}

async function login(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
  const ticket = form.get('ticket') ?? '';
  const request = pending.get(ticket);
  if (!request) return [400, '<p id="error">unknown or used sign-in ticket: start again from the service provider</p>'];
  const user = checkUser(form.get('login'), form.get('password'));
  if (!user) return [200, loginPage(ticket, 'Invalid username or password.')];
  pending.delete(ticket);
  return [200, await postForm(user, request.id, request.relayState)];
}

async function route(req, url) {
  if (req.method === 'GET' && url.pathname === '/metadata') return [200, idp.getMetadata(), 'application/samlmetadata+xml'];
  if (req.method === 'GET' && url.pathname === '/sso') return sso(url);
  if (req.method === 'POST' && url.pathname === '/sso/login') return login(req);
  if (req.method === 'GET' && url.pathname === '/idp-initiated') {
    const user = checkUser(url.searchParams.get('user'), url.searchParams.get('password'));
    if (!user) return [401, '<p id="error">Invalid username or password.</p>'];
    return [200, await postForm(user, undefined, url.searchParams.get('RelayState'))];
  }

  return [404, '<p id="error">not found</p>'];
}

const server = createServer((req, res) => {
  const url = new URL(req.url, base);
  route(req, url)
    .catch((err) => {
      console.error(`${req.method} ${url.pathname}: ${err?.message ?? err}`);
      return [400, `<p id="error">${xml(err?.message ?? err)}</p>`];
    })
    .then(([status, body, type = 'text/html; charset=utf-8']) => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    });
});

server.listen(config.port, '127.0.0.1', () => console.log(`READY ${base}`));
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => server.close(() => process.exit(0)));
