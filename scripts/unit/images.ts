/** The fast tier's image group (see tier.ts). */
import { importGroup } from './tier.js';

await importGroup('images');
