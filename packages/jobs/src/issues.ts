import type { ZodError } from 'zod'
import type { SpecIssue } from './errors.js'

/** zod's issues as dotted paths, the way a user finds the field in their YAML. */
export function specIssues(error: ZodError): SpecIssue[] {
  return error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }))
}
