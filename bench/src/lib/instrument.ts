import { fileURLToPath } from 'node:url';

/** Path of the timing script for addInitScript({ path }); see instrument.browser.js. */
export const INSTRUMENT_SCRIPT = fileURLToPath(new URL('./instrument.browser.js', import.meta.url));
