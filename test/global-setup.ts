import { execFileSync } from 'node:child_process';

/** CLI and browser tests run the real built `bin/zoomtrail.js` and console, so the suite builds dist/ and dist-web/ once first. */
export default function setup(): void {
  execFileSync('npm', ['run', 'build', '--silent'], { stdio: 'inherit' });
}
