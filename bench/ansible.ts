// The environment Ansible peers run in: the bench's own HOME and control-socket folder,
// pipelining on (what a user tuning Ansible for speed would do), no colours or retry files.
import path from 'node:path';
import type { BenchContext } from './lib';

export function ansibleEnv(ctx: BenchContext, home: string, controlDir: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    HOME: home,
    ANSIBLE_PIPELINING: 'True',
    ANSIBLE_SSH_CONTROL_PATH_DIR: controlDir,
    ANSIBLE_LOCAL_TEMP: path.join(ctx.tmpDir, 'ansible-tmp'),
    ANSIBLE_NOCOLOR: '1',
    ANSIBLE_FORCE_COLOR: '0',
    ANSIBLE_DEPRECATION_WARNINGS: 'False',
    ANSIBLE_RETRY_FILES_ENABLED: 'False',
  };
}
