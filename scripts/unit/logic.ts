/** The fast tier's logic group (see tier.ts). */
import { importGroup } from './tier.js';

await importGroup('logic');
