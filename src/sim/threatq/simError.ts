/** An answer other than success, thrown from a route and written by the handler. */
export class SimError extends Error {
  readonly status: number;
  readonly body: unknown;

  constructor(status: number, body: unknown, message?: string) {
    super(message ?? `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

/** 400 in ThreatQ's field-error form: `{"data":{"errors":{field:[msg]}}}`. */
export function validationError(errors: Record<string, string[]>): SimError {
  return new SimError(400, { data: { errors } }, Object.values(errors).flat().join('; '));
}

export function fieldError(field: string, message: string): SimError {
  return validationError({ [field]: [message] });
}

/** 404 with the generic `{"errors":[…]}` list form. */
export function notFound(what: string): SimError {
  return new SimError(404, { errors: [`${what} not found`] });
}

export function unauthorized(): SimError {
  return new SimError(401, { message: 'Unauthenticated.' });
}
