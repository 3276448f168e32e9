import { InvalidRequestError } from './errors.js'

export interface ErrorBody {
  error: string
  message: string
}

interface HttpErrorLike {
  name?: unknown
  message?: unknown
  statusCode?: unknown
  validation?: unknown
}

/**
 * Maps anything thrown in a route to a status code and `{ error, message }`. Our errors carry
 * their status; fastify's schema failures and other client errors become InvalidRequestError;
 * anything else is a 500 named after its class.
 */
export function errorResponse(thrown: unknown): { statusCode: number; body: ErrorBody } {
  const err = (typeof thrown === 'object' && thrown !== null ? thrown : {}) as HttpErrorLike
  const message = typeof err.message === 'string' ? err.message : String(thrown)
  const name = typeof err.name === 'string' ? err.name : 'Error'
  const statusCode =
    typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500
  if (err.validation !== undefined) {
    return { statusCode: 400, body: { error: InvalidRequestError.name, message } }
  }
  // fastify's own errors are all named FastifyError; the condition is what the client needs
  const generic = name === 'Error' || name === 'FastifyError'
  if (statusCode < 500) {
    return { statusCode, body: { error: generic ? InvalidRequestError.name : name, message } }
  }
  return { statusCode, body: { error: generic ? 'InternalError' : name, message } }
}
