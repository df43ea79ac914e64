import { execFileSync } from 'node:child_process';
import { createPrivateKey, generateKeyPairSync, createPublicKey, hash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  rc2CbcDecryptRaw,
  rc2CbcEncrypt,
  rc2DecryptBlock,
  rc2EncryptBlock,
  rc2ExpandKey,
} from '../../src/keystore/pbe/rc2.js';
import { pkcs12Kdf } from '../../src/keystore/pbe/pkcs12_kdf.js';
import { bmpPassword } from '../../src/keystore/pbe/password.js';
import { decryptPkcs8, encryptPkcs8 } from '../../src/keystore/pbe/encrypted_pkcs8.js';
import { berToDer } from '../../src/keystore/pbe/asn1.js';
import { iterateHash } from '../../src/keystore/pbe/iterated_hash.js';
import { isSepmError } from '../../src/errors.js';
import { requireTool } from '../helpers/tools.js';

const HAS_OPENSSL = requireTool('openssl', import.meta.url);

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const unhex = (h: string) => new Uint8Array(Buffer.from(h.replace(/\s+/g, ''), 'hex'));

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (isSepmError(e)) return e.code;
    throw e;
  }
  return 'no error';
}

describe('RC2 (RFC 2268 §5 test vectors)', () => {
  // [key, effective bits, plaintext, ciphertext], RFC 2268 section 5.
  const vectors: [string, number, string, string][] = [
    ['0000000000000000', 63, '0000000000000000', 'ebb773f993278eff'],
    ['ffffffffffffffff', 64, 'ffffffffffffffff', '278b27e42e2f0d49'],
    ['3000000000000000', 64, '1000000000000001', '30649edf9be7d2c2'],
    ['88', 64, '0000000000000000', '61a8a244adacccf0'],
    ['88bca90e90875a', 64, '0000000000000000', '6ccf4308974c267f'],
    ['88bca90e90875a7f0f79c384627bafb2', 64, '0000000000000000', '1a807d272bbe5db1'],
    ['88bca90e90875a7f0f79c384627bafb2', 128, '0000000000000000', '2269552ab0f85ca6'],
    [
      '88bca90e90875a7f0f79c384627bafb216f80a6f85920584c42fceb0be255daf1e',
      129,
      '0000000000000000',
      '5b78d3a43dfff1f1',
    ],
  ];
  for (const [key, bits, pt, ct] of vectors) {
    it(`key ${key.slice(0, 16)}… (${key.length / 2} bytes, ${bits} bits)`, () => {
      const K = rc2ExpandKey(unhex(key), bits);
      const block = unhex(pt);
      rc2EncryptBlock(K, block, 0);
      expect(hex(block)).toBe(ct);
      rc2DecryptBlock(K, block, 0);
      expect(hex(block)).toBe(pt);
    });
  }

  it('CBC round-trips and pads every length', () => {
    const key = unhex('0102030405');
    const iv = unhex('0011223344556677');
    for (let n = 0; n < 40; n++) {
      const data = new Uint8Array(n).map((_, i) => i * 7);
      const ct = rc2CbcEncrypt(key, 40, iv, data);
      expect(ct.length).toBe(n + 8 - (n % 8));
      const raw = rc2CbcDecryptRaw(key, 40, iv, ct);
      expect(hex(raw.subarray(0, n))).toBe(hex(data));
      expect(raw[raw.length - 1]).toBe(8 - (n % 8));
    }
  });

  it.runIf(HAS_OPENSSL)('matches OpenSSL (legacy provider) RC2-40-CBC and RC2-CBC', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rc2-'));
    try {
      const data = new Uint8Array(37).map((_, i) => i * 13 + 1);
      writeFileSync(join(dir, 'in'), data);
      for (const [name, key, bits] of [
        ['rc2-40-cbc', '0a0b0c0d0e', 40],
        ['rc2-cbc', '000102030405060708090a0b0c0d0e0f', 128],
      ] as const) {
        const iv = 'f0e1d2c3b4a59687';
        const out = execFileSync('openssl', [
          'enc',
          `-${name}`,
          '-provider',
          'legacy',
          '-provider',
          'default',
          '-K',
          key,
          '-iv',
          iv,
          '-in',
          join(dir, 'in'),
        ]);
        expect(hex(rc2CbcEncrypt(unhex(key), bits, unhex(iv), data))).toBe(hex(out));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('PKCS#12 KDF (RFC 7292 appendix B)', () => {
  it('matches the known SHA-1 vector for password "smeg"', () => {
    const out = pkcs12Kdf('sha1', bmpPassword('smeg'), unhex('0A58CF64530D823F'), 1, 1, 24);
    expect(hex(out)).toBe('8aaae6297b6cb04642ab5b077851284eb7128f1a2a7fbca3');
  });

  it.runIf(HAS_OPENSSL)(
    'matches `openssl kdf PKCS12KDF` for several hashes, IDs, lengths and iteration counts',
    () => {
      const cases: [string, 'sha1' | 'sha256' | 'sha512', number, number, string, string][] = [
        ['SHA1', 'sha1', 3, 20, '', '0102'],
        ['SHA1', 'sha1', 2, 8, 'pässwörd€😀', 'aabbccddeeff0011'],
        ['SHA256', 'sha256', 3, 32, 'changeit', '00112233445566778899aabbccddeeff00112233'],
        ['SHA1', 'sha1', 1, 70, 'a-longer-password-that-spans-more-than-one-64-byte-block!!', '01'],
        ['SHA512', 'sha512', 1, 100, 'x', '0203040506070809'],
      ];
      for (const [dgst, h, id, n, pw, salt] of cases) {
        for (const iter of [1, 1000]) {
          const bmp = bmpPassword(pw);
          const ours = hex(pkcs12Kdf(h, bmp, unhex(salt), iter, id as 1 | 2 | 3, n));
          const theirs = execFileSync('openssl', [
            'kdf',
            '-keylen',
            String(n),
            '-kdfopt',
            `digest:${dgst}`,
            '-kdfopt',
            `hexpass:${hex(bmp)}`,
            '-kdfopt',
            `hexsalt:${salt}`,
            '-kdfopt',
            `iter:${iter}`,
            '-kdfopt',
            `id:${id}`,
            'PKCS12KDF',
          ])
            .toString()
            .trim()
            .replace(/:/g, '')
            .toLowerCase();
          expect(ours).toBe(theirs);
        }
      }
    },
  );
});

describe('BER to DER', () => {
  it('flattens indefinite lengths and constructed OCTET STRINGs', () => {
    // SEQUENCE (indefinite) { OCTET STRING constructed (indefinite) { 04 01 aa, 04 02 bb cc }, INTEGER 5 }
    const ber = unhex('3080 2480 0401aa 0402bbcc 0000 020105 0000');
    expect(hex(berToDer(ber))).toBe('3008' + '0403aabbcc' + '020105');
  });
  it('refuses trailing bytes, truncation, bad lengths and deep nesting', () => {
    expect(codeOf(() => berToDer(unhex('020105 00')))).toBe('ERR_KEYSTORE_MALFORMED');
    expect(codeOf(() => berToDer(unhex('3005 0201')))).toBe('ERR_KEYSTORE_MALFORMED');
    expect(codeOf(() => berToDer(unhex('3080 020105')))).toBe('ERR_KEYSTORE_MALFORMED');
    expect(codeOf(() => berToDer(unhex('0480')))).toBe('ERR_KEYSTORE_MALFORMED');
    expect(codeOf(() => berToDer(unhex('3085ffffffffff')))).toBe('ERR_KEYSTORE_MALFORMED');
    expect(
      codeOf(() => berToDer(new Uint8Array(2000).map((_, i) => (i % 2 === 0 ? 0x30 : 0x80)))),
    ).toBe('ERR_KEYSTORE_MALFORMED');
  });
});

describe('encrypted PKCS#8', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pbe-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pkcs8 = new Uint8Array(privateKey.export({ format: 'der', type: 'pkcs8' }));
  writeFileSync(join(dir, 'key.der'), pkcs8);

  const opensslCases: [string, string[]][] = [
    ['PBES2 AES-256-CBC / HMAC-SHA256', ['-v2', 'aes-256-cbc', '-v2prf', 'hmacWithSHA256']],
    [
      'PBES2 AES-128-CBC / HMAC-SHA1 (default PRF omitted)',
      ['-v2', 'aes-128-cbc', '-v2prf', 'hmacWithSHA1'],
    ],
    ['PBES2 AES-192-CBC / HMAC-SHA512', ['-v2', 'aes-192-cbc', '-v2prf', 'hmacWithSHA512']],
    ['PBES2 DES-EDE3-CBC / HMAC-SHA384', ['-v2', 'des3', '-v2prf', 'hmacWithSHA384']],
    ['pbeWithSHAAnd3-KeyTripleDES-CBC', ['-v1', 'PBE-SHA1-3DES']],
    ['pbeWithSHAAnd2-KeyTripleDES-CBC', ['-v1', 'PBE-SHA1-2DES']],
    [
      'pbeWithSHAAnd40BitRC2-CBC',
      ['-v1', 'PBE-SHA1-RC2-40', '-provider', 'legacy', '-provider', 'default'],
    ],
    [
      'pbeWithSHAAnd128BitRC2-CBC',
      ['-v1', 'PBE-SHA1-RC2-128', '-provider', 'legacy', '-provider', 'default'],
    ],
  ];
  for (const [name, args] of opensslCases) {
    it.runIf(HAS_OPENSSL)(`decrypts openssl pkcs8 ${name}`, () => {
      const out = join(dir, `${name.replace(/\W+/g, '_')}.der`);
      for (const pw of ['changeit', 'pässwörd€']) {
        execFileSync('openssl', [
          'pkcs8',
          '-topk8',
          '-inform',
          'DER',
          '-outform',
          'DER',
          '-in',
          join(dir, 'key.der'),
          '-out',
          out,
          '-passout',
          `pass:${pw}`,
          '-iter',
          '2048',
          ...args,
        ]);
        const epki = new Uint8Array(readFileSync(out));
        expect(hex(decryptPkcs8(epki, pw, { maxIterations: 200_000 }))).toBe(hex(pkcs8));
        expect(codeOf(() => decryptPkcs8(epki, 'wrong-password', { maxIterations: 200_000 }))).toBe(
          'ERR_KEYSTORE_KEY_UNRECOVERABLE',
        );
        expect(codeOf(() => decryptPkcs8(epki, pw, { maxIterations: 2047 }))).toBe(
          'ERR_KEYSTORE_LIMIT_EXCEEDED',
        );
      }
    });
  }

  it.runIf(HAS_OPENSSL)(
    'encryptPkcs8 output is read by node:crypto and openssl, with keytool-like parameters',
    () => {
      const epki = encryptPkcs8(pkcs8, 'pässwörd€');
      const key = createPrivateKey({
        key: Buffer.from(epki),
        format: 'der',
        type: 'pkcs8',
        passphrase: 'pässwörd€',
      });
      expect(hex(createPublicKey(key).export({ format: 'der', type: 'spki' }))).toBe(
        hex(createPublicKey(privateKey).export({ format: 'der', type: 'spki' })),
      );
      writeFileSync(join(dir, 'ours.der'), epki);
      const text = execFileSync('openssl', [
        'asn1parse',
        '-inform',
        'DER',
        '-in',
        join(dir, 'ours.der'),
      ]).toString();
      expect(text).toContain('PBES2');
      expect(text).toContain('hmacWithSHA256');
      expect(text).toContain('aes-256-cbc');
      expect(text).toMatch(/INTEGER\s+:2710/); // 10,000 iterations
      const plain = execFileSync('openssl', [
        'pkcs8',
        '-inform',
        'DER',
        '-outform',
        'DER',
        '-in',
        join(dir, 'ours.der'),
        '-passin',
        'pass:pässwörd€',
      ]);
      // openssl writes the key back in its traditional (SEC1) form: compare the public halves.
      const back = createPrivateKey({ key: plain, format: 'der', type: 'sec1' });
      expect(hex(createPublicKey(back).export({ format: 'der', type: 'spki' }))).toBe(
        hex(createPublicKey(privateKey).export({ format: 'der', type: 'spki' })),
      );
      expect(hex(decryptPkcs8(epki, 'pässwörd€', { maxIterations: 10_000 }))).toBe(hex(pkcs8));
    },
  );

  it.runIf(HAS_OPENSSL)('the empty password works both ways', () => {
    const epki = encryptPkcs8(pkcs8, '', { iterations: 1000 });
    expect(hex(decryptPkcs8(epki, '', { maxIterations: 1000 }))).toBe(hex(pkcs8));
    writeFileSync(join(dir, 'empty.der'), epki);
    execFileSync('openssl', [
      'pkcs8',
      '-topk8',
      '-inform',
      'DER',
      '-outform',
      'DER',
      '-in',
      join(dir, 'key.der'),
      '-out',
      join(dir, 'empty3des.der'),
      '-passout',
      'pass:',
      '-v1',
      'PBE-SHA1-3DES',
    ]);
    const p12 = new Uint8Array(readFileSync(join(dir, 'empty3des.der')));
    expect(hex(decryptPkcs8(p12, '', { maxIterations: 200_000 }))).toBe(hex(pkcs8));
  });

  it('validates arguments', () => {
    expect(() => decryptPkcs8('x' as never, 'pw', { maxIterations: 1 })).toThrow(TypeError);
    expect(() => decryptPkcs8(new Uint8Array(1), 'pw', { maxIterations: 5_000_001 })).toThrow(
      RangeError,
    );
    expect(() => encryptPkcs8(pkcs8, 'pw', { iterations: 10 })).toThrow(RangeError);
    expect(
      codeOf(() => decryptPkcs8(new Uint8Array([0x30, 0x00]), 'pw', { maxIterations: 10 })),
    ).toBe('ERR_KEYSTORE_MALFORMED');
  });
});

describe('iterateHash', () => {
  it('equals repeated node:crypto hashing for SHA-1, SHA-256 and the fallback hashes', () => {
    for (const alg of ['sha1', 'sha256', 'sha384', 'sha512', 'sha224']) {
      for (const times of [0, 1, 2, 77]) {
        let ref: Uint8Array = hash(alg, Buffer.from(`seed ${alg} ${times}`), 'buffer');
        const ours = iterateHash(alg, ref, times);
        for (let i = 0; i < times; i++) ref = hash(alg, ref, 'buffer');
        expect(hex(ours)).toBe(hex(ref));
      }
    }
  });
});
