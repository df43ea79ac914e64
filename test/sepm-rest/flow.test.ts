// The flow of the published clients (login -> version -> groups -> policy summary -> raw policy
// -> computers -> logout) with the client typed from the spec, over the in-memory model.
import { describe, it, expect } from 'vitest';
import { memoryAuth, memoryModel, startRest } from './harness.js';
import { SepmClient } from './client.js';

describe('a client typed from the spec', () => {
  it('logs in, lists groups, reads every policy, pages through computers, logs out', async () => {
    const model = memoryModel();
    const auth = memoryAuth(model);
    for (let i = 0; i < 28; i++) {
      await model.publish!({
        name: `P${i}`,
        type: i % 3 === 0 ? 'fw' : 'av',
        content: new TextEncoder().encode(`<Policy n="${i}"/>`),
      });
    }
    for (let i = 0; i < 5; i++) {
      model.registrationList.push({
        agentId: String(i).repeat(32),
        computerName: `host-${i}`,
        preferredGroup: i < 2 ? 'My Company\\Lab' : undefined,
        registeredAt: model.clock - i,
      });
    }
    const server = await startRest(model, auth);
    try {
      const client = new SepmClient(server.port);
      const token = await client.login('admin', 'admin-pw', 'sepm-crypto-tests');
      expect(token.role?.bitMask).toBe(8);
      expect((await client.version()).API_VERSION).toBe('14.3.9000');
      const groups = await client.groups();
      expect(groups.map((g) => g.fullPathName)).toContain('My Company\\Lab');
      const summary = await client.policySummary();
      expect(summary).toHaveLength(28);
      for (const p of summary) {
        const xml = await client.rawPolicy(p.policytype!, p.id!);
        expect(xml).toBe(`<Policy n="${p.name.slice(1)}"/>`);
      }
      const computers = await client.computers();
      expect(computers.map((c) => c.computerName)).toEqual([0, 1, 2, 3, 4].map((i) => `host-${i}`));
      expect(computers.filter((c) => c.group?.name === 'Lab')).toHaveLength(2);
      await client.logout();
      expect(auth.tokens.size).toBe(0);
      await expect(client.groups()).rejects.toThrow(/401/);
    } finally {
      await server.close();
    }
  });
});
