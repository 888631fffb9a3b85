/** A field-level problem reported to the API caller. */
export interface FieldError {
  field: string;
  message: string;
  /** For template errors: where in the body. */
  line?: number;
  column?: number;
}

/**
 * Errors the services throw; each carries a stable code. The HTTP layer maps codes to statuses
 * in one place (ApiExceptionFilter); services never import HTTP types.
 */
export abstract class DomainError extends Error {
  abstract readonly code: string;
  constructor(
    message: string,
    readonly errors: FieldError[] = [],
    /** Extra facts for the caller, returned as `details`. */
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class NotFoundError extends DomainError {
  readonly code = 'NOT_FOUND';
  constructor(entity: string, id: string) {
    super(`${entity} "${id}" was not found`);
  }
}

export class ConflictError extends DomainError {
  readonly code = 'CONFLICT';
}

export class InvalidInputError extends DomainError {
  readonly code = 'VALIDATION_FAILED';
}

export class InvalidTemplateError extends DomainError {
  readonly code = 'INVALID_TEMPLATE';
}

export class DatabaseUnavailableError extends DomainError {
  readonly code = 'DATABASE_UNAVAILABLE';
}

export class UnauthorizedError extends DomainError {
  readonly code = 'UNAUTHORIZED';
}

export class ForbiddenError extends DomainError {
  readonly code = 'FORBIDDEN';
}
