/**
 * `npm run demo`: exercises what the library has today and prints what it did.
 * (Grows into the full site -> manager -> client demo with the CLI.)
 */
import { Kcs } from '../src/index.js';

const started = performance.now();
const kcs = Kcs.generate();
console.log('sepm-crypto demo');
console.log(`- generated a site key (Kcs): ${kcs} (the key itself is never printed)`);
const parsed = Kcs.parse(kcs.toString());
console.log(`- parsed its sylink.xml form back: equal = ${parsed.equals(kcs)}`);
console.log(`done in ${(performance.now() - started).toFixed(1)} ms`);
