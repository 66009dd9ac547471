// A real OpenID Connect provider for the hub's login tests: npm `oidc-provider`
// (OpenID certified), not a mock. It stands in for Entra ID or ID-porten.
//
// Usage: node provider.mjs SETUP.json
//
// SETUP.json (written by the test, mode 0600, deleted afterwards):
//   {"client_id": "...", "client_secret": "...", "redirect_uri": "http://127.0.0.1:P/hub/oauth_callback",
//    "accounts": {"<login>": {"password": "...", "claims": {"sub": "...", "preferred_username": "...", ...}}}}
//
// The provider listens on a free port on 127.0.0.1 and prints one JSON line
// {"issuer": "http://127.0.0.1:PORT"} on stdout when it is ready.
// Its own login form (/interaction/<uid>) checks the login and password against
// SETUP.json's accounts; consent is granted for the one first-party client.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import Provider from 'oidc-provider';

const setup = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const accounts = setup.accounts;

const escape = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title, body) {
  return `<!doctype html><html lang="nb"><head><meta charset="utf-8"><title>${escape(title)}</title></head>
<body><main><h1>${escape(title)}</h1>${body}</main></body></html>`;
}

function loginForm(uid, message = '') {
  return page('Logg inn hos testkommunen', `
${message ? `<p role="alert">${escape(message)}</p>` : ''}
<form method="post" action="/interaction/${escape(uid)}/login">
  <p><label for="login">Brukernavn</label> <input id="login" name="login" autocomplete="username" required></p>
  <p><label for="password">Passord</label> <input id="password" name="password" type="password" autocomplete="current-password" required></p>
  <p><button type="submit">Logg inn</button></p>
</form>`);
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

async function grantConsent(provider, details) {
  const { grantId, params, session } = details;
  const grant = grantId
    ? await provider.Grant.find(grantId)
    : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
  if (details.prompt.details.missingOIDCScope) {
    grant.addOIDCScope(details.prompt.details.missingOIDCScope.join(' '));
  }
  if (details.prompt.details.missingOIDCClaims) {
    grant.addOIDCClaims(details.prompt.details.missingOIDCClaims);
  }
  const saved = await grant.save();
  return grantId ? {} : { consent: { grantId: saved } };
}

// The interaction routes: everything under /interaction/; the rest is oidc-provider's.
async function interaction(provider, req, res) {
  const url = new URL(req.url, 'http://127.0.0.1');
  const [, , uid, action] = url.pathname.split('/');
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) return send(res, 400, page('Ugyldig innlogging', '<p>Start innloggingen på nytt.</p>'));
  if (details.prompt.name === 'login') {
    if (req.method === 'POST' && action === 'login') {
      const form = await readForm(req);
      const account = accounts[form.get('login') || ''];
      if (!account || account.password !== form.get('password')) {
        return send(res, 401, loginForm(uid, 'Feil brukernavn eller passord.'));
      }
      return provider.interactionFinished(req, res, { login: { accountId: account.claims.sub } });
    }
    return send(res, 200, loginForm(uid));
  }
  if (details.prompt.name === 'consent') {
    return provider.interactionFinished(req, res, await grantConsent(provider, details), {
      mergeWithLastSubmission: true,
    });
  }
  return send(res, 400, page('Ukjent steg', '<p>Start innloggingen på nytt.</p>'));
}

const bySub = Object.fromEntries(Object.values(accounts).map((a) => [a.claims.sub, a.claims]));

async function findAccount(ctx, sub) {
  const claims = bySub[sub];
  if (!claims) return undefined;
  return { accountId: sub, async claims() { return { ...claims }; } };
}

const server = createServer();
server.listen(0, '127.0.0.1', async () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const provider = new Provider(issuer, {
    clients: [{
      client_id: setup.client_id,
      client_secret: setup.client_secret,
      redirect_uris: [setup.redirect_uri],
      grant_types: ['authorization_code'],
      response_types: ['code'],
    }],
    claims: {
      openid: ['sub'],
      profile: ['name', 'preferred_username'],
      email: ['email', 'email_verified'],
    },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    jwks: { keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'test', use: 'sig', alg: 'RS256' }] },
    // Like Entra ID and ID-porten: the ID token carries the scope's claims.
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: false } },
    // Entra ID and ID-porten take PKCE; here it is required, so the hub must send it.
    pkce: { required: () => true },
    interactions: { url: (ctx, i) => `/interaction/${i.uid}` },
    findAccount,
  });
  provider.on('server_error', (ctx, err) => console.error('oidc-provider:', err));
  const callback = provider.callback();
  server.on('request', (req, res) => {
    if (req.url.startsWith('/interaction/')) {
      interaction(provider, req, res).catch((err) => {
        console.error(err);
        if (!res.headersSent) send(res, 500, page('Feil', '<p>Innloggingen feilet.</p>'));
      });
    } else {
      callback(req, res);
    }
  });
  process.stdout.write(`${JSON.stringify({ issuer })}\n`);
});

for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => server.close(() => process.exit(0)));
