/** Renders docs/errors.md from ERROR_CODES (shared by the generator and its test). */
import { ERROR_CODES } from '../src/errors.js';

const FAMILY: Record<string, string> = {
  TWOFISH: 'TwofishError',
  KCS: 'KcsError',
  CONTENT: 'ContentError',
  KEYSTORE: 'KeystoreError',
  PEM: 'PemError',
  CERT: 'CertificateError',
  POLICY: 'PolicyError',
  SYLINK: 'SylinkError',
  PROTOCOL: 'ProtocolError',
  MANAGER: 'ManagerError',
};

export function renderErrorsDoc(): string {
  const rows = Object.entries(ERROR_CODES).map(([code, message]) => {
    const family = FAMILY[code.split('_')[1] ?? ''] ?? 'SepmError';
    return `| \`${code}\` | \`${family}\` | ${message} |`;
  });
  return [
    '# Error codes',
    '',
    'Every error this library throws for bad input is a `SepmError` with a stable `code`. Check',
    '`isSepmError(e) && e.code === ...`: it works across the ESM and CJS builds, where `instanceof`',
    'may not. Caller bugs (an argument of the wrong type or length) are plain `TypeError` /',
    '`RangeError` and are not listed here. Adding a code is a feature; renaming one is a breaking change.',
    '',
    'Secret-dependent failures (wrong password, bad MAC, bad padding, wrong Kcs) always carry the one',
    'fixed message below, so that the message is never an oracle. Low-level causes are attached as',
    '`cause` only where they reveal nothing secret.',
    '',
    'This file is generated from `ERROR_CODES` in `src/errors.ts` by',
    '`node --import tsx scripts/gen-errors-doc.ts`; a test keeps the two equal.',
    '',
    '| code | class | default message |',
    '| --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}
