// Issue 14 point 4: what the manager publishes, its clients accept. On the code before it, a
// policy name with a lone surrogate passed validation and then broke every heartbeat with an
// untyped URIError (encodeURIComponent), two such names shared one REST id (their UTF-8 forms are
// equal), and a 1001st policy or an index over 1 MiB was published although every client refuses
// that index. Each assertion below fails on that code.
import { describe, it, expect, beforeAll } from 'vitest';
import { Kcs } from '../../src/kcs.js';
import { isSepmError } from '../../src/errors.js';
import type { ServerIdentity } from '../../src/cert/types.js';
import { sealPolicy } from '../../src/policy/index.js';
import { MAX_INDEX_ENTRIES, isPolicyName, policyPath } from '../../src/protocol/index.js';
import { createManager } from '../../src/node/manager/index.js';
import { PolicyStore } from '../../src/node/manager/policy_store.js';
import { policyId } from '../../src/node/manager/context.js';
import { testIdentity } from '../node/helpers.js';

const refused = (e: unknown) => isSepmError(e) && e.code === 'ERR_MANAGER_POLICY_REFUSED';

let identity: ServerIdentity;
const kcs = Kcs.generate();
const domainId = 'AB'.repeat(16);
beforeAll(async () => {
  identity = await testIdentity();
});

describe('policy names are well-formed Unicode', () => {
  it('isPolicyName refuses lone surrogates and keeps surrogate pairs', () => {
    for (const n of ['Fire\uD800wall', 'Firewall\uDC00', '\uDC00\uD800', '\uD83D'])
      expect(isPolicyName(n)).toBe(false);
    expect(isPolicyName('Firewall \uD83D\uDE00')).toBe(true);
    // Every accepted name has a request path (no URIError) and its own REST id.
    expect(policyPath('Firewall \uD83D\uDE00')).toBe('/secars/policies/Firewall%20%F0%9F%98%80');
    expect(policyId('a\uD83D\uDE00')).not.toBe(policyId('a\uD83D\uDE01'));
  });

  it('publishPolicy refuses a lone surrogate with a SepmError and publishes nothing', async () => {
    const m = createManager({ site: { identity, kcs, domainId }, ports: {} });
    // 'a\uD800' and 'a\uD801' both encode to UTF-8 as 'a' U+FFFD, hence one REST id before.
    for (const name of ['a\uD800', 'a\uD801']) {
      const e = await m.publishPolicy(name, new Uint8Array(8)).catch((x: unknown) => x);
      expect(refused(e), String(e)).toBe(true);
    }
    expect(m.policies()).toEqual([]);
  });
});

describe('publishing refuses an index clients would refuse', () => {
  it('refuses a 1001st policy; the 1000 held stay, and one of them can still be re-published', async () => {
    const store = new PolicyStore({ identity, kcs, domainId }, 'raw');
    const sealed = await sealPolicy(new Uint8Array(4), identity, kcs);
    store.restore({
      indexSerial: 1,
      policies: Array.from({ length: MAX_INDEX_ENTRIES }, (_, i) => ({
        name: `policy ${String(i).padStart(4, '0')}`,
        serial: 1,
        sealed,
        policytype: 'generic',
        desc: '',
        enabled: true,
        lastmodifiedtime: 0,
      })),
    });
    const before = await store.index();
    const e = await store.publish('one too many', new Uint8Array(4)).catch((x: unknown) => x);
    expect(refused(e), String(e)).toBe(true);
    expect(store.list()).toHaveLength(MAX_INDEX_ENTRIES);
    expect(store.get('one too many')).toBeUndefined();
    expect(store.cachedIndex).toBe(before);
    const again = await store.publish('policy 0007', new Uint8Array(4));
    expect(again.serial).toBe(2);
  });

  it('refuses a publication whose signed index would exceed 1 MiB, keeping the previous index', async () => {
    // A CMS index signature carries the signer's chain: a long chain makes the envelope large.
    const heavy = { ...identity, chain: Array.from({ length: 1000 }, () => identity.certificate) };
    const store = new PolicyStore({ identity: heavy, kcs, domainId }, 'cms');
    const e = await store.publish('Firewall', new Uint8Array(4)).catch((x: unknown) => x);
    expect(refused(e), String(e)).toBe(true);
    expect(store.list()).toEqual([]);
    expect(store.cachedIndex).toBeUndefined();
  });
});
