/**
 * Every bad flag value of a command at once: each value is parsed through `take`, which keeps
 * its InvalidCliValueError instead of throwing it, and `check` throws them together before the
 * command does anything (one: that error itself; several: InvalidCliValuesError listing each).
 */
import { InvalidCliValueError, InvalidCliValuesError } from './errors.js'

export class CliValues {
  private readonly problems: InvalidCliValueError[] = []

  /** The parsed value, or undefined (cast) when it did not parse: `check` reports it. */
  take<T>(parse: () => T): T {
    try {
      return parse()
    } catch (err) {
      if (!(err instanceof InvalidCliValueError)) throw err
      this.problems.push(err)
      return undefined as T
    }
  }

  async takeAsync<T>(parse: () => Promise<T>): Promise<T> {
    try {
      return await parse()
    } catch (err) {
      if (!(err instanceof InvalidCliValueError)) throw err
      this.problems.push(err)
      return undefined as T
    }
  }

  check(): void {
    if (this.problems.length === 1) throw this.problems[0]
    if (this.problems.length > 1) throw new InvalidCliValuesError(this.problems)
  }
}
