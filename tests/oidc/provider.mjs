// A real OpenID Provider (panva/oidc-provider, OpenID Certified) on loopback, for Mirubato's tests.
//
// Configured from the environment by the pytest fixture (tests/oidc_provider.py):
//   PORT                  the port to listen on (127.0.0.1); the issuer is http://127.0.0.1:PORT
//   OIDC_CLIENT_ID        the one client: confidential (client_secret_basic), PKCE (S256) required
//   OIDC_CLIENT_SECRET
//   OIDC_REDIRECT_URIS    the client's redirect URIs, comma-separated
//   OIDC_CLAIMS_IN_USERINFO  "1": email claims only at the userinfo endpoint, not in the id_token
//   OIDC_PUBLISH_OTHER_KEY   "1": sign id_tokens with one key and publish another under the same kid
//                            (what a client sees when someone else signed the token)
//
// Accounts: the login typed on the provider's sign-in page is the subject. Its email is the login
// when it holds an "@", else login@example.com; a login starting with "unverified" has
// email_verified false. The password field is not checked (devInteractions: a test provider).
import { generateKeyPairSync } from 'node:crypto';

import Provider from 'oidc-provider';

const port = Number(process.env.PORT);
const issuer = `http://127.0.0.1:${port}`;
const redirectUris = (process.env.OIDC_REDIRECT_URIS || '').split(',').filter(Boolean);
const claimsInUserinfo = process.env.OIDC_CLAIMS_IN_USERINFO === '1';
const publishOtherKey = process.env.OIDC_PUBLISH_OTHER_KEY === '1';

function signingKey(kid) {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...privateKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' };
}

const signing = signingKey('test-key-1');
const published = publishOtherKey ? signingKey('test-key-1') : null;

function account(login) {
  const email = login.includes('@') ? login : `${login}@example.com`;
  return {
    accountId: login,
    async claims() {
      return {
        sub: login,
        email,
        email_verified: !login.startsWith('unverified'),
        name: login.split('@')[0],
      };
    },
  };
}

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: process.env.OIDC_CLIENT_ID || 'mirubato',
      client_secret: process.env.OIDC_CLIENT_SECRET || 'mirubato-test-secret',
      redirect_uris: redirectUris,
      response_types: ['code'],
      grant_types: ['authorization_code'],
      token_endpoint_auth_method: 'client_secret_basic',
    },
  ],
  jwks: { keys: [signing] },
  pkce: { required: () => true },
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name'],
  },
  conformIdTokenClaims: claimsInUserinfo,
  findAccount: async (ctx, sub) => account(sub),
  features: { devInteractions: { enabled: true } },
  // The defaults warn at every start that they are meant to be changed: on loopback they need not.
  clientBasedCORS: () => false,
  async renderError(ctx, out) {
    ctx.type = 'html';
    ctx.body = `<!DOCTYPE html><title>oops</title><pre>${JSON.stringify(out)}</pre>`;
  },
});

if (publishOtherKey) {
  const publicPart = ({ kty, n, e, kid, alg, use }) => ({ kty, n, e, kid, alg, use });
  provider.use(async (ctx, next) => {
    if (ctx.path === '/jwks') {
      ctx.type = 'application/jwk-set+json';
      ctx.body = { keys: [publicPart(published)] };
      return;
    }
    await next();
  });
}

provider.listen(port, '127.0.0.1', () => {
  console.log(`oidc-provider listening on ${issuer}`);
});
