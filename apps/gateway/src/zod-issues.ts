import type { z } from 'zod';

/** `connectors[0].config.port` from zod's `['connectors', 0, 'config', 'port']`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out;
}

export interface PathIssue {
  path: string;
  message: string;
}

export function pathIssues(error: z.ZodError, prefix: readonly PropertyKey[] = []): PathIssue[] {
  return error.issues.map((issue) => ({
    path: formatPath([...prefix, ...issue.path]),
    message: issue.message,
  }));
}
