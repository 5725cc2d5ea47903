/** Writes schema/experiment.schema.json from the zod schema (run by `npm run build`). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { experimentJsonSchema } from '../src/experiment/json-schema.js';
import { fileURLToPath } from 'node:url';

// Compiled to dist/scripts/, two levels below the repository root.
const file = fileURLToPath(new URL('../../schema/experiment.schema.json', import.meta.url));
mkdirSync(dirname(file), { recursive: true });
writeFileSync(file, `${JSON.stringify(experimentJsonSchema(), null, 2)}\n`);
