/**
 * An independent builder of sealed policies (format version 2, docs/formats.md), used to check
 * the library against a second implementation: Twofish from `twofish-ts` with a CBC loop written
 * here, hashes and RSA from `node:crypto`. It shares no code with src/.
 */
import { createHash, sign, constants, type KeyObject } from 'node:crypto';
import { decrypt as tfDecrypt, encrypt as tfEncrypt, makeSession } from 'twofish-ts';

export function referenceTwofishCbcEncrypt(
  key: Uint8Array,
  iv: Uint8Array,
  data: Uint8Array,
): Uint8Array {
  const pad = 16 - (data.length % 16);
  const buf = new Uint8Array(data.length + pad);
  buf.set(data);
  buf.fill(pad, data.length);
  const session = makeSession(key);
  let prev = iv;
  for (let at = 0; at < buf.length; at += 16) {
    for (let i = 0; i < 16; i++) buf[at + i] ^= prev[i]!;
    tfEncrypt(buf, at, buf, at, session);
    prev = buf.subarray(at, at + 16);
  }
  return buf;
}

export function referenceTwofishCbcDecrypt(
  key: Uint8Array,
  iv: Uint8Array,
  data: Uint8Array,
): Uint8Array {
  const out = new Uint8Array(data.length);
  const session = makeSession(key);
  for (let at = 0; at < data.length; at += 16) {
    tfDecrypt(data, at, out, at, session);
    const prev = at === 0 ? iv : data.subarray(at - 16, at);
    for (let i = 0; i < 16; i++) out[at + i] ^= prev[i]!;
  }
  return out.subarray(0, out.length - out[out.length - 1]!);
}

export interface ReferenceSealInput {
  kcs: Uint8Array;
  iv: Uint8Array;
  data: Uint8Array;
  certificateDer: Uint8Array;
  privateKey: KeyObject;
}

/** "sepm-crypto signature v2 sealed-policy" and a NUL (docs/formats.md "Signature purposes"). */
export const SEALED_CONTEXT = Buffer.from('sepm-crypto signature v2 sealed-policy\0', 'latin1');

export function referenceSeal(input: ReferenceSealInput): Uint8Array {
  const ct = referenceTwofishCbcEncrypt(input.kcs, input.iv, input.data);
  const kcsCheck = createHash('sha256')
    .update('sepm-crypto kcs fingerprint')
    .update(input.kcs)
    .digest()
    .subarray(0, 8);
  const fp = createHash('sha256').update(input.certificateDer).digest();
  const sigLen = (input.privateKey.asymmetricKeyDetails!.modulusLength! + 7) >> 3;
  const head = Buffer.alloc(34);
  head.write('SPOL', 0, 'latin1');
  head[4] = 2;
  head[5] = 0;
  Buffer.from(kcsCheck).copy(head, 6);
  Buffer.from(input.iv).copy(head, 14);
  head.writeUInt32BE(ct.length, 30);
  const lenField = Buffer.alloc(2);
  lenField.writeUInt16BE(sigLen);
  const signed = Buffer.concat([head, ct, fp, lenField]);
  // Version 2: the signature covers the sealed-policy context string and a NUL first.
  const sig = sign('sha256', Buffer.concat([SEALED_CONTEXT, signed]), {
    key: input.privateKey,
    padding: constants.RSA_PKCS1_PADDING,
  });
  return new Uint8Array(Buffer.concat([signed, sig]));
}
