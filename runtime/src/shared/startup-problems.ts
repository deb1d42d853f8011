/**
 * Start-up checks that report together. Each check looks at one part of the setup (environment,
 * API keys, bot files, ...) and returns every problem it finds instead of throwing at the first, so
 * an operator fixes everything after one start instead of in rounds. main.ts runs the list.
 */

/** One thing wrong with the setup: where (an env var or a file, with line) and what. */
export interface StartupProblem {
  /** An environment variable name or a file path. */
  readonly source: string;
  /** 1-based line in `source`, when it is a file. */
  readonly line?: number;
  /** The field inside the source, e.g. `intents[0].keys[1]` in a bot file. */
  readonly field?: string;
  readonly message: string;
}

/** A start-up check: returns its problems (none when fine); a throw counts as one problem. */
export interface StartupCheck {
  /** What it checks, for the problem a throw turns into ("API keys", "bot files"). */
  readonly name: string;
  readonly run: () => readonly StartupProblem[] | Promise<readonly StartupProblem[]>;
}

/** Thrown (by whoever wants to) with every problem found; its message is the whole report. */
export class StartupError extends Error {
  readonly problems: readonly StartupProblem[];

  constructor(problems: readonly StartupProblem[]) {
    super(formatStartupProblems(problems));
    this.name = 'StartupError';
    this.problems = problems;
  }
}

/** Runs every check, all of them even when one fails, and returns all problems in check order. */
export async function runStartupChecks(checks: readonly StartupCheck[]): Promise<readonly StartupProblem[]> {
  const results = await Promise.all(
    checks.map(async (check): Promise<readonly StartupProblem[]> => {
      try {
        return await check.run();
      } catch (error) {
        return [{ source: check.name, message: `check failed: ${error instanceof Error ? error.message : String(error)}` }];
      }
    }),
  );
  return results.flat();
}

/** `file:line: field: message`, one problem a line, under a heading; no stack traces. */
export function formatStartupProblems(problems: readonly StartupProblem[]): string {
  const lines = problems.map((p) => {
    const where = p.line === undefined ? p.source : `${p.source}:${p.line}`;
    return `  ${where}: ${p.field === undefined ? '' : `${p.field}: `}${p.message}`;
  });
  return `the server cannot start: ${problems.length} problem${problems.length === 1 ? '' : 's'} in its configuration\n${lines.join('\n')}`;
}
