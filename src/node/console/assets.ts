/**
 * The console's static files: one HTML page with no inline script or style, its script and its
 * style sheet, each served as a separate file so that the Content-Security-Policy can forbid
 * inline code (`script-src 'self'`, no `'unsafe-inline'`).
 *
 * The script renders only with `textContent` (never `innerHTML`): certificate subjects, policy
 * names and client host names are data, never markup.
 *
 * @module
 */

/** `/console/` */
export const CONSOLE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>SEPM manager console</title>
<link rel="stylesheet" href="/console/app.css">
<script src="/console/app.js" defer></script>
</head>
<body>
<header><h1>SEPM manager console</h1><button id="logout" type="button" hidden>Log out</button></header>
<main>
<section id="login-view" hidden>
<h2>Log on</h2>
<form id="login-form" autocomplete="on">
<label>User name <input id="username" name="username" autocomplete="username" required></label>
<label>Password <input id="password" name="password" type="password" autocomplete="current-password" required></label>
<button id="login-submit" type="submit">Log on</button>
<p id="login-error" role="alert"></p>
</form>
</section>
<section id="overview" hidden>
<h2>Server certificate</h2>
<dl>
<dt>Subject</dt><dd id="cert-subject"></dd>
<dt>Issuer</dt><dd id="cert-issuer"></dd>
<dt>Valid from</dt><dd id="cert-not-before"></dd>
<dt>Valid until</dt><dd id="cert-not-after"></dd>
<dt>SHA-256 fingerprint</dt><dd id="cert-fingerprint" class="mono"></dd>
</dl>
<h2>Site</h2>
<dl>
<dt>Domain id</dt><dd id="domain-id" class="mono"></dd>
<dt>Kcs fingerprint</dt><dd id="kcs-fingerprint" class="mono"></dd>
</dl>
<p><a id="download-sylink" href="/console/sylink.xml" download="sylink.xml">Download sylink.xml</a></p>
<h2>Published policies</h2>
<table id="policies"><thead><tr><th>Name</th><th>Type</th><th>Serial</th><th>Size</th><th>SHA-256</th></tr></thead><tbody></tbody></table>
<h2>Registered clients</h2>
<table id="clients"><thead><tr><th>Client id</th><th>Host name</th><th>Heartbeats</th><th>Downloads</th><th>Last seen</th></tr></thead><tbody></tbody></table>
<h2>Replication peers</h2>
<table id="peers"><thead><tr><th>Peer</th><th>Certificate SHA-256</th><th>Last success</th><th>Last error</th></tr></thead><tbody></tbody></table>
</section>
</main>
</body>
</html>
`;

/** `/console/app.css` */
export const CONSOLE_CSS = `body{font-family:system-ui,sans-serif;margin:0 2rem 2rem}
header{display:flex;align-items:center;gap:1rem}
label{display:block;margin:.5rem 0}
.mono{font-family:ui-monospace,monospace;word-break:break-all}
table{border-collapse:collapse;margin-bottom:1rem}
th,td{border:1px solid #bbb;padding:.2rem .5rem;text-align:left}
dt{font-weight:600}
#login-error{color:#a00}
`;

/** `/console/app.js` */
export const CONSOLE_JS = `'use strict';
(function () {
  const $ = (id) => document.getElementById(id);
  const show = (view) => {
    $('login-view').hidden = view !== 'login';
    $('overview').hidden = view !== 'overview';
    $('logout').hidden = view !== 'overview';
  };
  const post = (path, body) =>
    fetch(path, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body || {}),
    });
  const fill = (tableId, rows) => {
    const tbody = $(tableId).tBodies[0];
    tbody.replaceChildren();
    for (const cells of rows) {
      const tr = document.createElement('tr');
      for (const c of cells) {
        const td = document.createElement('td');
        td.textContent = c === null || c === undefined ? '' : String(c);
        tr.appendChild(td);
      }
      tbody.appendChild(tr);
    }
  };
  async function load() {
    const res = await fetch('/console/api/overview', { credentials: 'same-origin' });
    if (res.status === 401) return show('login');
    if (!res.ok) throw new Error('overview failed: ' + res.status);
    const o = await res.json();
    $('cert-subject').textContent = o.certificate.subject;
    $('cert-issuer').textContent = o.certificate.issuer;
    $('cert-not-before').textContent = o.certificate.notBefore;
    $('cert-not-after').textContent = o.certificate.notAfter;
    $('cert-fingerprint').textContent = o.certificate.sha256;
    $('domain-id').textContent = o.domainId;
    $('kcs-fingerprint').textContent = o.kcsFingerprint;
    fill('policies', o.policies.map((p) => [p.name, p.policytype, p.serial, p.size, p.sha256]));
    fill('clients', o.clients.map((c) => [c.clientId, c.hostname, c.heartbeats, c.downloads, c.lastSeen]));
    fill('peers', o.peers.map((p) => [p.address + ':' + p.managerPort, p.fingerprint, p.lastSuccess, p.lastError]));
    show('overview');
  }
  document.addEventListener('DOMContentLoaded', () => {
    $('login-form').addEventListener('submit', async (ev) => {
      ev.preventDefault();
      $('login-error').textContent = '';
      const res = await post('/console/api/login', {
        username: $('username').value,
        password: $('password').value,
      });
      $('password').value = '';
      if (res.status === 204) return load();
      const err = await res.json().catch(() => ({}));
      $('login-error').textContent = err.errorMessage || 'log on failed (' + res.status + ')';
    });
    $('logout').addEventListener('click', async () => {
      await post('/console/api/logout');
      show('login');
    });
    load().catch((e) => {
      $('login-error').textContent = String(e);
      show('login');
    });
  });
})();
`;
