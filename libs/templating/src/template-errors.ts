export type TemplateErrorCode = 'TEMPLATE_SYNTAX' | 'TEMPLATE_RUNTIME' | 'TEMPLATE_TIMEOUT' | 'TEMPLATE_OUTPUT' | 'TEMPLATE_TOO_LARGE';

/** A template that cannot be compiled or rendered. `line`/`column` point into the template body (1-based). */
export class TemplateError extends Error {
  constructor(
    readonly code: TemplateErrorCode,
    message: string,
    readonly line?: number,
    readonly column?: number,
    /** For TEMPLATE_OUTPUT: what the template produced (capped), so the author can see what is wrong. */
    readonly output?: string,
  ) {
    super(line === undefined ? message : `line ${line}${column === undefined ? '' : `, column ${column}`}: ${message}`);
    this.name = 'TemplateError';
  }

  /** Bare reason, without the position prefix. */
  get reason(): string {
    return this.message.replace(/^line \d+(, column \d+)?: /, '');
  }

  toJSON(): { code: TemplateErrorCode; message: string; line?: number; column?: number } {
    return { code: this.code, message: this.reason, line: this.line, column: this.column };
  }
}
