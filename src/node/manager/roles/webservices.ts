/**
 * The web services port (8446): SEPM's REST API in SEPM's shapes (`../../sepm-rest/`,
 * docs/rest-api.md), fed by this manager's state: the policy store and its metadata, the
 * registered clients and their activity, the replication peers, and the accounts and tokens.
 *
 * @module
 */
import { openPolicy } from '../../../policy/index.js';
import { sha256Hex } from '../../digest.js';
import type { Handler } from '../../http/handler.js';
import { policyId, type WebServicesDeps } from '../context.js';
import { createSepmRestHandler, sepmRestListener } from '../../sepm-rest/index.js';
import { sepmRestAuth } from '../../sepm-rest/auth_adapter.js';
import { sepmRestModel, type ManagerView } from '../../sepm-rest/manager_model.js';

/** The REST base path. */
export const API_BASE = '/sepm/api/v1';

/** This manager's state as the SEPM REST model reads it. */
function managerView(ctx: WebServicesDeps): ManagerView {
  const cert = ctx.site.identity.certificate;
  const cn = /(?:^|,\s*)CN=([^,]+)/.exec(cert.subject)?.[1] ?? ctx.site.domainId;
  return {
    now: ctx.now,
    apiVersion: ctx.apiVersion as unknown as Record<string, string>,
    domainId: ctx.site.domainId,
    siteName: cn,
    self: { address: cn, fingerprint: sha256Hex(new Uint8Array(cert.rawData)) },
    policies: () => ctx.store.list(),
    meta: (name) => ctx.store.meta(name),
    policyId,
    async content(name) {
      const p = ctx.store.get(name);
      if (p === undefined) throw new Error(`policy "${name}" is no longer published`);
      return (await openPolicy(p.sealed, ctx.site.kcs, ctx.trusted())).data;
    },
    clients: () => ctx.clients.values(),
    clientsVersion: () => ctx.clientsVersion(),
    activityOf: (clientId) => ctx.activity.lastOf(clientId),
    peers: () =>
      ctx.replicator.status().map((s) => ({
        name: `${s.address}:${s.managerPort}`,
        fingerprint: s.fingerprint,
        lastAttempt: s.lastAttempt,
        lastSuccess: s.lastSuccess,
        lastError: s.lastError,
      })),
    replicationIntervalMs: ctx.replicator.intervalMs,
    async pullFrom(fingerprint) {
      const peer = ctx.peers.list().find((p) => p.fingerprint === fingerprint);
      return peer !== undefined && (await ctx.replicator.pullFrom(peer)).ok;
    },
    async publish(name, data, meta) {
      const cur = ctx.store.meta(name);
      if (cur !== undefined && cur.policytype !== meta.type) return false;
      return ctx.store.publish(name, data, {
        policytype: meta.type,
        ...(meta.desc !== undefined ? { desc: meta.desc } : {}),
        ...(meta.enabled !== undefined ? { enabled: meta.enabled } : {}),
      });
    },
    unpublish: (name) => ctx.store.unpublish(name),
  };
}

/** The request listener of the web services port: SEPM's REST API on every path. */
export function webServicesHandler(ctx: WebServicesDeps): Handler {
  const auth = sepmRestAuth({
    accounts: ctx.auth,
    tokens: ctx.tokens,
    throttle: ctx.throttle,
    tokenTtlMs: ctx.tokenTtlMs,
    domainName: 'Default',
  });
  return sepmRestListener(
    createSepmRestHandler({
      model: sepmRestModel(managerView(ctx)),
      auth,
      maxBodyBytes: ctx.maxBodyBytes,
      maxGroups: ctx.maxGroups,
    }),
  );
}
