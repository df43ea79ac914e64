import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  CertificateError,
  ContentError,
  ERROR_CODES,
  KcsError,
  KeystoreError,
  ManagerError,
  PemError,
  PolicyError,
  ProtocolError,
  SepmError,
  SylinkError,
  TwofishError,
  isSepmError,
  type SepmErrorCode,
} from '../src/errors.js';
import { renderErrorsDoc } from '../scripts/errors-doc.js';

describe('SepmError', () => {
  it('carries its code, default message, name and cause', () => {
    const cause = new Error('low level');
    const e = new KeystoreError('ERR_KEYSTORE_MALFORMED', undefined, { cause });
    expect(e).toBeInstanceOf(SepmError);
    expect(e).toBeInstanceOf(Error);
    expect(e.code).toBe('ERR_KEYSTORE_MALFORMED');
    expect(e.message).toBe(ERROR_CODES.ERR_KEYSTORE_MALFORMED);
    expect(e.name).toBe('KeystoreError');
    expect(e.cause).toBe(cause);
  });

  it('every family defaults to its ERROR_CODES message; the bare base class to the code', () => {
    // Each subclass holds its own family's messages (so bundles carry only what they use); this
    // keeps them equal to the one public table.
    const families: [string, new (code: never) => SepmError][] = [
      ['TWOFISH', TwofishError],
      ['KCS', KcsError],
      ['CONTENT', ContentError],
      ['KEYSTORE', KeystoreError],
      ['PEM', PemError],
      ['CERT', CertificateError],
      ['POLICY', PolicyError],
      ['SYLINK', SylinkError],
      ['PROTOCOL', ProtocolError],
      ['MANAGER', ManagerError],
    ];
    const codes = Object.keys(ERROR_CODES) as SepmErrorCode[];
    for (const code of codes) {
      const [, Family] = families.find(([p]) => code.startsWith(`ERR_${p}_`))!;
      expect(new Family(code as never).message, code).toBe(ERROR_CODES[code]);
    }
    expect(new SepmError('ERR_KCS_INVALID').message).toBe('ERR_KCS_INVALID');
    expect(new SepmError('ERR_KCS_INVALID', 'given').message).toBe('given');
  });

  it('gives secret-dependent families one fixed message', () => {
    const e = new ContentError('ERR_CONTENT_DECRYPT_FAILED');
    expect(e.message).toBe('content decryption failed');
  });

  it('adds line and column to sylink errors', () => {
    const e = new SylinkError('ERR_SYLINK_MALFORMED', 'unclosed tag', { line: 3, column: 7 });
    expect(e.message).toBe('unclosed tag (line 3, column 7)');
    expect([e.line, e.column]).toEqual([3, 7]);
  });

  it('isSepmError recognises ours, including a copy from another build, and nothing else', () => {
    expect(isSepmError(new KcsError('ERR_KCS_INVALID'))).toBe(true);
    // Simulate the dual-package hazard: an error from another copy of the class carries the
    // registry-wide brand but is not an instance of this copy's class.
    const foreign = Object.assign(new Error('x'), { code: 'ERR_KCS_INVALID' });
    (foreign as unknown as Record<symbol, unknown>)[Symbol.for('sepm-crypto.SepmError')] = true;
    expect(foreign instanceof SepmError).toBe(false);
    expect(isSepmError(foreign)).toBe(true);
    // Node's own errors use ERR_ codes too: they are not ours.
    const nodeError = Object.assign(new TypeError('bad'), { code: 'ERR_INVALID_ARG_TYPE' });
    expect(isSepmError(nodeError)).toBe(false);
    expect(isSepmError('ERR_KCS_INVALID')).toBe(false);
    expect(isSepmError(null)).toBe(false);
  });

  it('every code follows ERR_<AREA>_<CONDITION>', () => {
    for (const code of Object.keys(ERROR_CODES)) {
      expect(code).toMatch(
        /^ERR_(TWOFISH|KCS|CONTENT|KEYSTORE|PEM|CERT|POLICY|SYLINK|PROTOCOL|MANAGER)_[A-Z0-9_]+$/,
      );
    }
  });

  it('docs/errors.md lists exactly the codes in ERROR_CODES', () => {
    const committed = readFileSync(new URL('../docs/errors.md', import.meta.url), 'utf8');
    expect(committed).toBe(renderErrorsDoc());
  });
});
