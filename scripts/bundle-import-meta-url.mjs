// Injected into the CommonJS build of the CLI (scripts/bundle-cli.mjs): `import.meta.url` of every bundled module is
// the bundle's own file URL, as it was for the ES module chunks in the same directory.
import { pathToFileURL } from 'node:url';

export const bundleUrl = pathToFileURL(__filename).href;
