// Verifies (or signs) a credential with Digital Bazaar's implementation, for the Python tests.
//
//   node credentials.mjs verify|sign|verify-jwt < request.json > result.json
//
// The request carries what a verifier would dereference — the issuer's controller document as
// the app serves it, the status list credentials, and the Open Badges contexts (which no
// package ships) — so that nothing is fetched from the network. The W3C contexts come from
// Digital Bazaar's own packages: if ours differed from the published ones, proofs would fail.

import {readFileSync} from 'node:fs';

import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {cryptosuite as eddsaRdfc2022} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as vc from '@digitalbazaar/vc';
import {checkStatus} from '@digitalbazaar/vc-bitstring-status-list';
import * as credentialsContext from '@digitalbazaar/credentials-context';
import * as dataIntegrityContext from '@digitalbazaar/data-integrity-context';
import * as multikeyContext from '@digitalbazaar/multikey-context';
import * as securityContext from 'security-context';
import {JsonLdDocumentLoader} from 'jsonld-document-loader';
import * as jose from 'jose';

const request = JSON.parse(readFileSync(0, 'utf8'));

function documentLoader() {
  const loader = new JsonLdDocumentLoader();
  for(const [url, context] of credentialsContext.contexts) {
    loader.addStatic(url, context);
  }
  for(const [url, context] of dataIntegrityContext.contexts) {
    loader.addStatic(url, context);
  }
  for(const [url, context] of multikeyContext.contexts) {
    loader.addStatic(url, context);
  }
  for(const [url, context] of securityContext.contexts) {
    loader.addStatic(url, context);
  }
  for(const [url, document] of Object.entries(request.documents || {})) {
    loader.addStatic(url, document);
  }
  const controller = request.controller;
  if(controller) {
    loader.addStatic(controller.id, controller);
    // A verification method is dereferenced inside its controller document (CID 1.0 §3.1).
    for(const method of controller.verificationMethod || []) {
      loader.addStatic(method.id, {
        '@context': 'https://w3id.org/security/multikey/v1', ...method
      });
    }
  }
  return loader.build();
}

function explain(error) {
  if(!error) {
    return [];
  }
  const errors = Array.isArray(error) ? error : [error];
  return errors.flatMap(e => [
    String(e && (e.message || e)),
    ...explain(e && e.errors),
    ...(e && e.cause ? explain(e.cause) : [])
  ]);
}

async function verify() {
  const loader = documentLoader();
  const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022});
  const now = request.now ? new Date(request.now) : undefined;
  const result = await vc.verifyCredential({
    credential: request.credential,
    suite,
    documentLoader: loader,
    checkStatus,
    now
  });
  // The status check says `verified: true` for a revoked credential: the bit is in
  // `results[].status`, read here (true: the bit is set).
  const statuses = (result.statusResult && result.statusResult.results) || [];
  const revoked = statuses.some(s => s.status === true);
  return {
    // What a careful verifier concludes: the library's `verified`, and no revoked bit.
    valid: result.verified && !revoked,
    verified: result.verified,
    proofVerified: (result.results || []).every(r => r.verified) &&
      (result.results || []).length > 0,
    revoked,
    statusVerified: result.statusResult ? result.statusResult.verified : null,
    errors: explain(result.error),
  };
}

async function verifyJwt() {
  const controller = request.controller;
  const header = jose.decodeProtectedHeader(request.jwt);
  const method = controller.verificationMethod.find(m => m.id === header.kid);
  if(!method || !method.publicKeyJwk) {
    return {verified: false, errors: [`kid ${header.kid} not in the controller document`]};
  }
  const key = await jose.importJWK(method.publicKeyJwk, 'Ed25519');
  try {
    const {payload, protectedHeader} = await jose.jwtVerify(request.jwt, key, {
      issuer: controller.id,
      currentDate: request.now ? new Date(request.now) : undefined,
    });
    return {verified: true, header: protectedHeader, payload, errors: []};
  } catch(error) {
    return {verified: false, code: error.code, errors: [error.message]};
  }
}

async function sign() {
  const keyPair = await Ed25519Multikey.from({
    '@context': 'https://w3id.org/security/multikey/v1',
    type: 'Multikey',
    id: request.verificationMethod,
    controller: request.controller.id,
    publicKeyMultibase: request.publicKeyMultibase,
    secretKeyMultibase: request.secretKeyMultibase,
  });
  const suite = new DataIntegrityProof({
    signer: keyPair.signer(), cryptosuite: eddsaRdfc2022, date: request.created
  });
  const signed = await vc.issue({
    credential: request.credential, suite, documentLoader: documentLoader()
  });
  return {credential: signed};
}

const commands = {verify, sign, 'verify-jwt': verifyJwt};
const command = commands[process.argv[2]];
if(!command) {
  console.error(`usage: node credentials.mjs ${Object.keys(commands).join('|')}`);
  process.exit(2);
}
try {
  process.stdout.write(JSON.stringify(await command()));
} catch(error) {
  process.stdout.write(JSON.stringify({verified: false, errors: explain(error), crashed: true}));
}
