import { ValidationError, ValidationPipe } from '@nestjs/common';
import { FieldError, InvalidInputError } from './domain.errors';

/** Flattens class-validator errors into `field: message` pairs, nested paths dotted. */
export function toFieldErrors(errors: ValidationError[], parent = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const e of errors) {
    const field = parent ? `${parent}.${e.property}` : e.property;
    for (const message of Object.values(e.constraints ?? {})) out.push({ field, message });
    if (e.children?.length) out.push(...toFieldErrors(e.children, field));
  }
  return out;
}

/** Whitelisting, transforming, and 400 with field-level errors. */
export function apiValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    transform: true,
    whitelist: true,
    forbidNonWhitelisted: true,
    transformOptions: { enableImplicitConversion: false },
    exceptionFactory: (errors) => new InvalidInputError('the request is invalid', toFieldErrors(errors)),
  });
}
