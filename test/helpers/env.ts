// Where tests keep their files. Every data directory lives under $HOSTDECK_TEST_DATA, which the
// final secret scan walks; every test gets a fresh HOME-like folder for ~/.ssh.
import { mkdirSync, mkdtempSync } from 'node:fs';
import path from 'node:path';
import { REPO, RUNS } from '../../testbed/util';

export const testDataRoot = process.env.HOSTDECK_TEST_DATA ?? path.join(RUNS, 'data-local');

/** A fresh app data directory for one test. */
export function freshDataDir(label: string): string {
  mkdirSync(testDataRoot, { recursive: true });
  return mkdtempSync(path.join(testDataRoot, `${label}-`));
}

/** A fresh home (with an empty ~/.ssh) so known_hosts and ssh config are the test's own. */
export function freshHome(label: string): string {
  mkdirSync(testDataRoot, { recursive: true });
  const home = mkdtempSync(path.join(testDataRoot, `home-${label}-`));
  mkdirSync(path.join(home, '.ssh'), { mode: 0o700 });
  return home;
}

/** Screenshots land in test-results/screenshots (looked at by people, not scanned for secrets). */
export const screenshotDir = path.join(REPO, 'test-results', 'screenshots');
