import { execFileSync } from 'node:child_process';

/** CLI tests run the real built `bin/zoomtrail.js`, so the suite builds dist/ once first. */
export default function setup(): void {
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
}
