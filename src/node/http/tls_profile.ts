/**
 * The TLS settings of every HTTPS port: Mozilla's "intermediate" profile (server-side-tls
 * guidelines 5.7; ssl-config-generator guidelines 6.0 drops the DHE suites, as we do).
 *
 * @module
 */

/** TLS 1.3 suites allowed (all AEAD, all forward-secret by construction). */
export const TLS13_CIPHERS = [
  'TLS_AES_128_GCM_SHA256',
  'TLS_AES_256_GCM_SHA384',
  'TLS_CHACHA20_POLY1305_SHA256',
] as const;

/**
 * TLS 1.2 suites allowed: ECDHE key exchange (forward secrecy) with an AEAD cipher only. No RSA
 * key transport, no CBC, no DHE (Mozilla 6.0 dropped it), no SHA-1 MACs.
 */
export const TLS12_CIPHERS = [
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
] as const;

/** Key-exchange groups: X25519, P-256, P-384 (Node 20 bundles OpenSSL 3.0: no ML-KEM). */
export const TLS_CURVES = 'X25519:prime256v1:secp384r1';

/**
 * Options spread into every `https.createServer` / `tls.createServer` call of the manager.
 *
 * - `minVersion`/`maxVersion`: TLS 1.2 and 1.3 only.
 * - `ciphers`: {@link TLS13_CIPHERS} then {@link TLS12_CIPHERS}; OpenSSL takes the TLS 1.3 names
 *   from the same string in Node.
 * - `honorCipherOrder: false`: the profile lets the client choose, since every allowed suite is
 *   strong and clients know whether they have AES hardware.
 * - `sessionTimeout`: 300 s of TLS session resumption, the order of one heartbeat interval.
 */
export const TLS_SERVER_PROFILE = Object.freeze({
  minVersion: 'TLSv1.2',
  maxVersion: 'TLSv1.3',
  ciphers: [...TLS13_CIPHERS, ...TLS12_CIPHERS].join(':'),
  ecdhCurve: TLS_CURVES,
  honorCipherOrder: false,
  sessionTimeout: 300,
} as const);

/** The client side of the same profile (the pinning client never offers anything weaker). */
export const TLS_CLIENT_PROFILE = Object.freeze({
  minVersion: 'TLSv1.2',
  maxVersion: 'TLSv1.3',
  ciphers: [...TLS13_CIPHERS, ...TLS12_CIPHERS].join(':'),
  ecdhCurve: TLS_CURVES,
} as const);
