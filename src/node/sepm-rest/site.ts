/**
 * The site's domain, servers and replication (docs/rest-api.md "Domains", "Servers",
 * "Replication"): `GET /domains`, `GET /domains/{id}`, `GET /admin/servers`,
 * `GET /replication/status`, `GET /replication/is_replicated`, `POST /replication/replicatenow`.
 *
 * @module
 */
import type { RestResponse } from './exchange.js';
import { ok } from './exchange.js';
import { badRequest, notFound } from './errors.js';
import type { SepmDomainRecord, SepmRestModel } from './model.js';

/** SEPM `Domain`. */
export function domainJson(d: SepmDomainRecord): Record<string, unknown> {
  const json: Record<string, unknown> = {
    id: d.id,
    name: d.name,
    description: d.description ?? '',
    enable: true,
  };
  if (d.companyName !== undefined) json.companyName = d.companyName;
  if (d.createdTime !== undefined) json.createdTime = d.createdTime;
  if (d.administratorCount !== undefined) json.administratorCount = d.administratorCount;
  return json;
}

/** `GET /domains`: the site's one domain. */
export function domains(model: SepmRestModel): RestResponse {
  return ok([domainJson(model.domain())]);
}

/**
 * `GET /domains/{id}`: SEPM `DomainAddEditTO`. Its required settings are not modelled here and
 * answered as fixed values (docs/rest-api.md "Domains").
 */
export function domainById(model: SepmRestModel, id: string): RestResponse {
  const d = model.domain();
  if (id.toLowerCase() !== d.id.toLowerCase()) return notFound();
  return ok({
    ...domainJson(d),
    allowNeverExpiresPasswords: false,
    allowUsersToSaveCredentials: false,
    deleteOldClients: false,
    deleteOldClientsDays: 0,
    deleteOldVDIClients: false,
    deleteOldVDIClientsDays: 0,
    showBanner: false,
  });
}

/** `GET /admin/servers`: this manager, then its peers (SEPM `Server`). */
export function servers(model: SepmRestModel): RestResponse {
  // No directory server is ever integrated here.
  return ok(
    model.servers().map((s) => ({ id: s.id, directory_server_integration: { enable: false } })),
  );
}

/** `GET /replication/status`: SEPM `ReplicationStatusResponse`; partners are the peers. */
export function replicationStatus(model: SepmRestModel): RestResponse {
  const r = model.replication();
  return ok({
    replicationStatus: {
      id: r.siteId,
      siteName: r.siteName,
      // The spec: "Currently, this always displays NA."
      siteLocation: 'NA',
      replicationPartnerStatusList: r.partners.map((p) => ({
        id: p.id,
        name: p.name,
        location: 'NA',
        lastRunTime: p.lastRunTime,
        lastSuccessfulRunTime: p.lastSuccessfulRunTime,
        nextRunTime: p.nextRunTime,
        status_code: p.status,
      })),
    },
  });
}

/** `GET /replication/is_replicated`: whether the site has a partner. */
export function isReplicated(model: SepmRestModel): RestResponse {
  return ok(model.replication().partners.length > 0);
}

function boolParam(q: URLSearchParams, name: string): boolean | undefined {
  const v = q.get(name)?.toLowerCase();
  return v === 'true' ? true : v === 'false' ? false : undefined;
}

/**
 * `POST /replication/replicatenow?content=&logs=&partnerSiteName=` (all three required by the
 * spec): pulls from that partner now; `ReplicationAllStatus { code }`, 0 when the pull
 * succeeded, 1 when it failed (the codes are ours; `content` and `logs` change nothing here).
 */
export async function replicateNow(
  model: SepmRestModel,
  query: URLSearchParams,
): Promise<RestResponse> {
  const name = query.get('partnerSiteName');
  if (
    boolParam(query, 'content') === undefined ||
    boolParam(query, 'logs') === undefined ||
    !name
  ) {
    return badRequest();
  }
  const l = name.toLowerCase();
  const partner = model
    .replication()
    .partners.find((p) => p.name.toLowerCase() === l || p.id.toLowerCase() === l);
  if (partner === undefined) return badRequest();
  return ok({ code: (await model.replicateNow(partner.id)) ? 0 : 1 });
}
