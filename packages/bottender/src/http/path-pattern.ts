/**
 * Webhook paths with parameters, as Bottender 1.x's routes had them: `/webhooks/line/:channelId`
 * matches `/webhooks/line/1234` with `{ channelId: '1234' }`. A parameter is one whole path
 * segment of at least one character; its value is percent-decoded. Plain paths never come here:
 * the request handler looks them up exactly first.
 */
export interface PathPattern {
  /** The path as configured. */
  readonly path: string;
  /** The parameters of `pathname`, or undefined when it does not match. */
  match(pathname: string): Record<string, string> | undefined;
}

/** Whether a configured path has parameters (a segment starting with `:`). */
export function hasParams(path: string): boolean {
  return path.split('/').some((segment) => segment.startsWith(':'));
}

/** Compiles a path with parameters; throws when a parameter has no name or appears twice. */
export function compilePathPattern(path: string): PathPattern {
  const names: string[] = [];
  const source = path
    .split('/')
    .map((segment) => {
      if (!segment.startsWith(':')) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      const name = segment.slice(1);
      if (!/^[A-Za-z_$][\w$]*$/.test(name)) throw new Error(`webhook path ${path}: ":${name}" is not a parameter name`);
      if (names.includes(name)) throw new Error(`webhook path ${path}: parameter ${name} appears twice`);
      names.push(name);
      return '([^/]+)';
    })
    .join('/');
  const regex = new RegExp(`^${source}$`);
  return {
    path,
    match(pathname) {
      const found = regex.exec(pathname);
      if (!found) return undefined;
      const params: Record<string, string> = Object.create(null);
      for (let i = 0; i < names.length; i++) {
        try {
          params[names[i]] = decodeURIComponent(found[i + 1]);
        } catch {
          return undefined; // a malformed escape: not a path this channel answers
        }
      }
      return params;
    },
  };
}
