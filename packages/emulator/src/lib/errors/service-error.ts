/**
 * An error answered to the client in the awsJson1_1 shape: `{"__type": code, "message": ...}`
 * with the HTTP status AWS uses for that code. Messages never contain secret values.
 */
export class ServiceError extends Error {
  override readonly name = this.constructor.name;

  constructor(
    /** The AWS error code, e.g. `ResourceNotFoundException`. */
    readonly code: string,
    message: string,
    /** HTTP status; 400 for client faults, 500 for server faults. */
    readonly status = 400,
  ) {
    super(message);
  }
}

/** Shorthands for the error shapes Secrets Manager answers. */
export const Errors = {
  notFound: (msg = "Secrets Manager can't find the specified secret.") => new ServiceError('ResourceNotFoundException', msg),
  invalidParameter: (msg: string) => new ServiceError('InvalidParameterException', msg),
  invalidRequest: (msg: string) => new ServiceError('InvalidRequestException', msg),
  exists: (msg: string) => new ServiceError('ResourceExistsException', msg),
  validation: (msg: string) => new ServiceError('ValidationException', msg),
  serialization: (msg: string) => new ServiceError('SerializationException', msg),
  invalidNextToken: (msg = 'The NextToken value is invalid.') => new ServiceError('InvalidNextTokenException', msg),
  unknownOperation: (msg = 'The requested operation is not recognized by the service.') => new ServiceError('UnknownOperationException', msg),
  accessDenied: (msg: string) => new ServiceError('AccessDeniedException', msg),
  throttling: () => new ServiceError('ThrottlingException', 'Rate exceeded'),
  internal: (msg = 'An error occurred on the server side.') => new ServiceError('InternalServiceError', msg, 500),
  tooLarge: (limit: number) => new ServiceError('RequestEntityTooLargeException', `Request body is larger than ${limit} bytes.`, 413),
} as const;
