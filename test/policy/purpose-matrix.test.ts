// Issue 14 point 1: a signature is bound to its purpose. The manager's one key signs raw policies,
// CMS policies, the signed index, the replication signature over the index, endorsements and
// sealed policies. Here a signature made for each purpose is presented as every other purpose,
// in every form an attacker could give it (the bytes as made, and the bare RSA value re-wrapped
// into the other format, over the bytes it covers or over the payload): all are refused, while
// each verifies as its own purpose. On the code before purpose binding, the index, endorsement
// and sealed-policy signatures were plain raw signatures over their bytes, so most of these
// cells verified (e.g. `signPolicy` over an endorsement statement made a valid endorsement).
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import { ContentInfo, SignedData } from '@peculiar/asn1-cms';
import { generateServerIdentity, type ServerIdentity } from '../../src/cert/index.js';
import { openPolicy, sealPolicy, signPolicy, verifyPolicy } from '../../src/policy/index.js';
import { Kcs } from '../../src/kcs.js';
import { isSepmError } from '../../src/errors.js';
import {
  createEndorsement,
  signIndex,
  signReplicationIndex,
  verifyEndorsement,
  verifyIndexSignature,
  verifyReplicationSignature,
} from '../../src/protocol/index.js';
import { signatureContext } from '../../src/policy/purpose.js';
import { signedAttributesToBeSigned } from '../../src/policy/cms_common.js';
import { identityFromPem } from '../cert/helpers.js';

const fixture = (name: string) =>
  readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const KCS = Kcs.parse('000102030405060708090A0B0C0D0E0F');
const DOMAIN = 'AB'.repeat(16);
const POLICY = new TextEncoder().encode('<Policy name="Firewall"><Rule allow="none"/></Policy>\n');
const INDEX = new TextEncoder().encode(
  JSON.stringify({
    format: 'sepm-crypto.index',
    version: 2,
    domainId: DOMAIN,
    serial: 1,
    issuedAt: '2026-12-01T00:00:00.000Z',
    policies: [],
  }),
);
const concat = (a: Uint8Array, b: Uint8Array) => {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
};

/** The RSA value and the signed attributes (DER, re-tagged as a SET OF) of a CMS signature. */
function cmsParts(cms: Uint8Array): { rsa: Uint8Array; attrs: Uint8Array | undefined } {
  const sd = AsnConvert.parse(AsnConvert.parse(cms, ContentInfo).content, SignedData);
  const info = sd.signerInfos[0]!;
  const rsa = new Uint8Array(info.signature.buffer);
  if (info.signedAttrs === undefined) return { rsa, attrs: undefined };
  // What the RSA value covers: the attributes as a SET OF (31), not [0] IMPLICIT (RFC 5652 §5.4).
  return { rsa, attrs: signedAttributesToBeSigned(info.signedAttrs) };
}

/**
 * A detached CMS over some content made of `template` (a CMS by the same signer) with its
 * signed attributes removed and its signature replaced by `rsa`: RFC 5652 §5.4 then has the RSA
 * value cover the content itself (`openssl cms -sign -noattr`).
 */
function noAttrCms(template: Uint8Array, rsa: Uint8Array): Uint8Array {
  const ci = AsnConvert.parse(template, ContentInfo);
  const sd = AsnConvert.parse(ci.content, SignedData);
  const info = sd.signerInfos[0]!;
  info.signedAttrs = undefined;
  info.signature = new OctetString(rsa);
  ci.content = AsnConvert.serialize(sd);
  return new Uint8Array(AsnConvert.serialize(ci));
}

/** A signature made for one purpose: the bytes as made, what its RSA value covers, the payload. */
interface Made {
  /** The signature bytes as the library made them (raw RSA value, CMS, sealed container...). */
  readonly signature: Uint8Array;
  /** The bare RSA value. */
  readonly rsa: Uint8Array;
  /** The bytes the RSA value covers. */
  readonly covered: Uint8Array;
  /** The data the purpose is about (policy, index, statement, sealed bytes before the signature). */
  readonly payload: Uint8Array;
}

type Purpose =
  'raw policy' | 'CMS policy' | 'signed index' | 'replication' | 'endorsement' | 'sealed policy';
const PURPOSES: readonly Purpose[] = [
  'raw policy',
  'CMS policy',
  'signed index',
  'replication',
  'endorsement',
  'sealed policy',
];

let id: ServerIdentity;
let other: ServerIdentity;
let cmsTemplate: Uint8Array;
let sealedTemplate: Uint8Array;
const made = new Map<Purpose, Made>();

beforeAll(async () => {
  id = await identityFromPem(
    fixture('vector-identity.key.pem'),
    fixture('vector-identity.crt.pem'),
  );
  other = await generateServerIdentity({ commonName: 'new.example' });
  cmsTemplate = await signPolicy(new TextEncoder().encode('template'), id, { format: 'cms' });
  sealedTemplate = await sealPolicy(POLICY, id, KCS);

  const raw = await signPolicy(POLICY, id);
  made.set('raw policy', { signature: raw, rsa: raw, covered: POLICY, payload: POLICY });

  const cms = await signPolicy(POLICY, id, { format: 'cms' });
  const { rsa: cmsRsa, attrs } = cmsParts(cms);
  made.set('CMS policy', { signature: cms, rsa: cmsRsa, covered: attrs!, payload: POLICY });

  const idx = await signIndex(INDEX, id, 'raw');
  const idxCovered = concat(signatureContext('signed-index'), INDEX);
  made.set('signed index', { signature: idx, rsa: idx, covered: idxCovered, payload: INDEX });

  const rep = await signReplicationIndex(INDEX, id);
  const repCovered = concat(signatureContext('replication'), INDEX);
  made.set('replication', { signature: rep, rsa: rep, covered: repCovered, payload: INDEX });

  const e = await createEndorsement(other.certificate, id, DOMAIN);
  const eCovered = concat(signatureContext('endorsement'), e.statement);
  made.set('endorsement', {
    signature: e.signature,
    rsa: e.signature,
    covered: eCovered,
    payload: e.statement,
  });

  const sealed = await sealPolicy(POLICY, id, KCS);
  const body = sealed.subarray(0, sealed.length - 256);
  made.set('sealed policy', {
    signature: sealed,
    rsa: sealed.subarray(sealed.length - 256),
    covered: concat(signatureContext('sealed-policy'), body),
    payload: body,
  });
});

/** The data an attacker would offer with a signature: the payload, and what the RSA covers. */
const datas = (m: Made) => [m.payload, m.covered];

/**
 * Every way of presenting `m` as `purpose`; each returns the verifier's promise. The signature
 * is given as made and as its bare RSA value (wrapped into the target's container).
 */
function presentations(purpose: Purpose, m: Made): (() => Promise<unknown>)[] {
  const trusted = [id.certificate];
  const sigs = [m.signature, m.rsa];
  switch (purpose) {
    case 'raw policy':
      return datas(m).flatMap((d) =>
        sigs.map((s) => () => verifyPolicy(d, s, trusted, { formats: ['raw'] })),
      );
    case 'CMS policy':
      return datas(m).flatMap((d) => [
        () => verifyPolicy(d, m.signature, trusted, { formats: ['cms'] }),
        () => verifyPolicy(d, noAttrCms(cmsTemplate, m.rsa), trusted, { formats: ['cms'] }),
      ]);
    case 'signed index':
      return datas(m).flatMap((d) => [
        ...sigs.map((s) => () => verifyIndexSignature(d, s, trusted, 'raw')),
        () => verifyIndexSignature(d, m.signature, trusted, 'cms'),
        () => verifyIndexSignature(d, noAttrCms(cmsTemplate, m.rsa), trusted, 'cms'),
      ]);
    case 'replication':
      return datas(m).flatMap((d) =>
        sigs.map((s) => () => verifyReplicationSignature(d, s, trusted)),
      );
    case 'endorsement':
      return datas(m).flatMap((d) =>
        sigs.map((s) => () => verifyEndorsement({ statement: d, signature: s }, trusted, DOMAIN)),
      );
    case 'sealed policy': {
      // A well-formed sealed policy by this signer whose signature is swapped for the RSA value,
      // and the signature bytes themselves as a sealed policy.
      const swapped = sealedTemplate.slice();
      if (m.rsa.length === 256) swapped.set(m.rsa, swapped.length - 256);
      return [swapped, m.signature, concat(m.payload, m.rsa)].map(
        (s) => () => openPolicy(s, KCS, trusted),
      );
    }
  }
}

describe('a signature made for one purpose verifies as no other (issue 14 point 1)', () => {
  it.each(PURPOSES)('a %s signature verifies as its own purpose', async (p) => {
    const m = made.get(p)!;
    const trusted = [id.certificate];
    const own: Record<Purpose, () => Promise<unknown>> = {
      'raw policy': () => verifyPolicy(POLICY, m.signature, trusted, { formats: ['raw'] }),
      'CMS policy': () => verifyPolicy(POLICY, m.signature, trusted, { formats: ['cms'] }),
      'signed index': () => verifyIndexSignature(INDEX, m.signature, trusted, 'raw'),
      replication: () => verifyReplicationSignature(INDEX, m.signature, trusted),
      endorsement: () =>
        verifyEndorsement({ statement: m.payload, signature: m.signature }, trusted, DOMAIN),
      'sealed policy': () => openPolicy(m.signature, KCS, trusted),
    };
    await expect(own[p]()).resolves.toBeDefined();
    // The RSA value covers exactly the bytes this matrix presents as `covered` (for the
    // library's own formats: the purpose's context string, a NUL, then the payload), checked by
    // node:crypto, which shares no code with the library: so a purpose that lost its context
    // fails here even where another rule (e.g. the SPOL refusal) would still keep it apart.
    const { createPublicKey, verify, constants } = await import('node:crypto');
    const key = createPublicKey(fixture('vector-identity.crt.pem'));
    const ok = verify('sha256', m.covered, { key, padding: constants.RSA_PKCS1_PADDING }, m.rsa);
    expect(ok, `${p}: RSA value over the covered bytes`).toBe(true);
  });

  const cells = PURPOSES.flatMap((from) =>
    PURPOSES.filter((to) => to !== from).map((to) => [from, to] as const),
  );
  it.each(cells)('a %s signature presented as a %s signature is refused', async (from, to) => {
    const attempts = presentations(to, made.get(from)!);
    expect(attempts.length).toBeGreaterThan(0);
    for (const [i, attempt] of attempts.entries()) {
      const r = await attempt().then(
        () => 'verified',
        (e: unknown) => (isSepmError(e) ? e.code : `not a SepmError: ${String(e)}`),
      );
      expect(r, `presentation ${i}`).toMatch(/^ERR_/);
    }
  });

  it('signPolicy refuses to sign what another purpose signs (ERR_POLICY_RESERVED_INPUT)', async () => {
    // The operator who signs a file an attacker supplied (`sepm-crypto sign FILE`, signPolicy).
    for (const p of PURPOSES.filter((x) => x !== 'raw policy')) {
      const m = made.get(p)!;
      for (const format of ['raw', 'cms'] as const) {
        const e = await signPolicy(m.covered, id, { format }).catch((x: unknown) => x);
        expect(isSepmError(e) && e.code, `${p} (${format})`).toBe('ERR_POLICY_RESERVED_INPUT');
      }
    }
    // Version 1 documents, signed bare, that an old client would still take.
    const v1 = [
      '{"format":"sepm-crypto.endorsement","version":1}',
      ' \n{"format":"sepm-crypto.index","version":1,"policies":[]}',
      '{"format":"sepm-crypto.signed-index","version":1}',
    ];
    for (const text of v1) {
      const e = await signPolicy(new TextEncoder().encode(text), id).catch((x: unknown) => x);
      expect(isSepmError(e) && e.code, text).toBe('ERR_POLICY_RESERVED_INPUT');
    }
    const sealedV1 = sealedTemplate.slice(0, sealedTemplate.length - 256);
    sealedV1[4] = 1;
    const e = await signPolicy(sealedV1, id).catch((x: unknown) => x);
    expect(isSepmError(e) && e.code).toBe('ERR_POLICY_RESERVED_INPUT');
  });

  it('ordinary files are still signed, byte-identical to a bare RSA signature, even starting with "1"', async () => {
    const { createPrivateKey, sign, constants } = await import('node:crypto');
    const key = createPrivateKey(fixture('vector-identity.key.pem'));
    for (const text of ['1 rule per line\n', '<Policy/>', '{"format":"acme.policy"}', 'SPO', '']) {
      const data = new TextEncoder().encode(text);
      if (data.length === 0) continue;
      const ours = await signPolicy(data, id);
      const ref = sign('sha256', data, { key, padding: constants.RSA_PKCS1_PADDING });
      expect(Buffer.from(ours).equals(ref), text).toBe(true);
      expect((await verifyPolicy(data, ours, [id.certificate])).format).toBe('raw');
    }
  });

  it('an index signature verifies only in the format its envelope announces', async () => {
    const trusted = [id.certificate];
    const raw = made.get('signed index')!.signature;
    const cms = await signIndex(INDEX, id, 'cms');
    expect((await verifyIndexSignature(INDEX, cms, trusted, 'cms')).format).toBe('cms');
    for (const [sig, announced] of [
      [raw, 'cms'],
      [cms, 'raw'],
    ] as const) {
      const e = await verifyIndexSignature(INDEX, sig, trusted, announced).catch((x: unknown) => x);
      expect(isSepmError(e) && e.code, `announced ${announced}`).toBe(
        'ERR_POLICY_SIGNATURE_INVALID',
      );
    }
  });

  it('openPolicy refuses a version 1 sealed policy (signed over the bare bytes)', async () => {
    const { createPrivateKey, sign, constants } = await import('node:crypto');
    const key = createPrivateKey(fixture('vector-identity.key.pem'));
    const body = sealedTemplate.slice(0, sealedTemplate.length - 256);
    body[4] = 1;
    const sig = sign('sha256', body, { key, padding: constants.RSA_PKCS1_PADDING });
    const e = await openPolicy(concat(body, sig), KCS, [id.certificate]).catch((x: unknown) => x);
    expect(isSepmError(e) && e.code).toBe('ERR_POLICY_MALFORMED');
  });

  it('verifyPolicy formats: a CMS without signed attributes counts as raw', async () => {
    const raw = made.get('raw policy')!;
    const wrapped = noAttrCms(cmsTemplate, raw.rsa);
    const trusted = [id.certificate];
    expect((await verifyPolicy(POLICY, wrapped, trusted)).format).toBe('cms');
    for (const formats of [['cms'], ['raw']] as const) {
      const e = await verifyPolicy(POLICY, wrapped, trusted, { formats }).catch((x: unknown) => x);
      expect(isSepmError(e) && e.code, formats.join()).toBe('ERR_POLICY_SIGNATURE_INVALID');
    }
    const cms = made.get('CMS policy')!.signature;
    const e = await verifyPolicy(POLICY, cms, trusted, { formats: ['raw'] }).catch(
      (x: unknown) => x,
    );
    expect(isSepmError(e) && e.code).toBe('ERR_POLICY_SIGNATURE_INVALID');
  });
});
