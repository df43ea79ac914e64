// Child process of crash-kill-publish.test.ts: a manager on the site in argv[2] publishes one
// policy again and again (no ports bound) until the parent kills it with SIGKILL.
import { loadSite } from '../../src/node/site/site.js';
import { createManager } from '../../src/node/manager/index.js';
import { NO_PORTS } from '../helpers/ports.js';

const site = await loadSite(process.argv[2]!);
const manager = createManager({ site, ports: NO_PORTS });
await manager.listen();
process.stdout.write('ready\n');
for (let i = 0; ; i++) {
  const p = await manager.publishPolicy('Crash test', new TextEncoder().encode(`body ${i}`));
  process.stdout.write(`published ${p.serial}\n`);
}
