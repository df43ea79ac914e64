'use strict';
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
  // Registered clients come one page at a time (there may be 100,000).
  let clientsPage = 1;
  const showClients = (clients, page) => {
    clientsPage = page.pageIndex;
    fill(
      'clients',
      clients.map((c) => [c.clientId, c.hostname, c.heartbeats, c.downloads, c.lastSeen]),
    );
    $('clients-page').textContent =
      'page ' + page.pageIndex + ' of ' + page.totalPages + ' (' + page.totalElements + ' clients)';
    $('clients-newer').hidden = page.pageIndex <= 1;
    $('clients-older').hidden = page.lastPage;
  };
  async function loadClients(pageIndex) {
    const res = await fetch('/console/api/clients?pageIndex=' + pageIndex, {
      credentials: 'same-origin',
    });
    if (res.status === 401) return show('login');
    if (!res.ok) throw new Error('clients failed: ' + res.status);
    const o = await res.json();
    showClients(o.clients, o.page);
  }
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
    fill(
      'policies',
      o.policies.map((p) => [p.name, p.policytype, p.serial, p.size, p.sha256]),
    );
    showClients(o.clients, o.clientsPage);
    fill(
      'peers',
      o.peers.map((p) => [
        p.address + ':' + p.managerPort,
        p.fingerprint,
        p.lastSuccess,
        p.lastError,
      ]),
    );
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
    $('clients-newer').addEventListener('click', () => loadClients(clientsPage - 1));
    $('clients-older').addEventListener('click', () => loadClients(clientsPage + 1));
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
