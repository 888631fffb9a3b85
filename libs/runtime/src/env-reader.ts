/**
 * Reads and checks environment variables for a service's typed configuration. Collects every
 * problem instead of stopping at the first, so a misconfigured service says all that is wrong
 * in one start.
 */
export class EnvReader {
  readonly problems: string[] = [];

  constructor(private readonly env: Record<string, string | undefined>) {}

  private raw(name: string): string | undefined {
    const value = this.env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  }

  string(name: string, fallback?: string): string {
    const value = this.raw(name) ?? fallback;
    if (value === undefined) {
      this.problems.push(`${name} is required`);
      return '';
    }
    return value;
  }

  optionalString(name: string): string | undefined {
    return this.raw(name);
  }

  int(name: string, fallback: number, range: { min: number; max: number }): number {
    const text = this.raw(name);
    if (text === undefined) return fallback;
    const value = Number(text);
    if (!Number.isInteger(value) || value < range.min || value > range.max) {
      this.problems.push(`${name} must be an integer between ${range.min} and ${range.max}, got "${text}"`);
      return fallback;
    }
    return value;
  }

  bool(name: string, fallback: boolean): boolean {
    const text = this.raw(name);
    if (text === undefined) return fallback;
    if (['1', 'true', 'yes', 'on'].includes(text.toLowerCase())) return true;
    if (['0', 'false', 'no', 'off'].includes(text.toLowerCase())) return false;
    this.problems.push(`${name} must be true or false, got "${text}"`);
    return fallback;
  }

  list(name: string, fallback: string[]): string[] {
    const text = this.raw(name);
    if (text === undefined) return fallback;
    return text
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s.length > 0);
  }

  /** `name=value` pairs, comma-separated; `none` for an empty list. */
  pairs(name: string, fallback: Array<[string, string]>): Array<[string, string]> {
    const text = this.raw(name);
    if (text === undefined) return fallback;
    if (text.toLowerCase() === 'none') return [];
    const out: Array<[string, string]> = [];
    for (const item of this.list(name, [])) {
      const at = item.indexOf('=');
      if (at <= 0 || at === item.length - 1) {
        this.problems.push(`${name} must be a comma-separated list of name=value pairs (or none), got "${item}"`);
        continue;
      }
      out.push([item.slice(0, at).trim(), item.slice(at + 1).trim()]);
    }
    return out;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const text = this.raw(name);
    if (text === undefined) return fallback;
    if (!(allowed as readonly string[]).includes(text)) {
      this.problems.push(`${name} must be one of ${allowed.join(', ')}, got "${text}"`);
      return fallback;
    }
    return text as T;
  }

  check(problem: string | undefined): void {
    if (problem) this.problems.push(problem);
  }

  /** Throws one error listing every problem found. */
  done<T>(config: T): T {
    if (this.problems.length > 0) {
      throw new Error(`invalid configuration:\n  - ${this.problems.join('\n  - ')}`);
    }
    return config;
  }
}
