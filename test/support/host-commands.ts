import { execFileSync } from 'node:child_process';

/** Whether `command` runs on this machine (asked with `versionArg`, which must exit 0). */
export function hasCommand(command: string, versionArg = '-V'): boolean {
  try {
    execFileSync(command, [versionArg], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
