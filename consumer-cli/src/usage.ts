/**
 * Every problem with a command line at once, not one per run: bad option values, bad
 * arguments, missing required options and arguments, unknown options and options that conflict
 * are gathered while commander parses, and reported together before the command runs (one
 * problem: that error itself; several: UsageProblemsError listing each).
 *
 * Commander stops at the first problem it meets (it calls `error`, which throws through
 * `exitOverride`); here `error` of every command gathers the problems commander can go on
 * from, and the value parsers gather theirs and stand in a placeholder for the bad value, so the
 * required-option check does not report a flag that was given, only badly.
 */
import { Command } from 'commander'
import { CliError, UsageError, UsageProblemsError } from './errors.js'

/** Stands for an option or argument value that did not parse; the command never runs with it. */
export const INVALID: unique symbol = Symbol('invalid value')

/** Commander's own problems it can go on parsing after. */
const GATHERED = new Set([
  'commander.unknownOption',
  'commander.missingMandatoryOptionValue',
  'commander.missingArgument',
  'commander.excessArguments',
  'commander.optionMissingArgument',
])

const isUsageError = (err: unknown): err is CliError => err instanceof CliError && err.exitClass === 'usage'

export class UsageProblems {
  private readonly problems: CliError[] = []
  private command = 'synkti'
  private unknownSeen = false
  private excess: CliError | null = null
  private readonly valueless = new Set<string>()

  /** Forget the last parse (a program parses once; tests reuse one). */
  reset(): void {
    this.problems.length = 0
    this.command = 'synkti'
    this.unknownSeen = false
    this.excess = null
    this.valueless.clear()
  }

  add(err: CliError): void {
    this.problems.push(err)
  }

  /** A value parser that gathers its usage error and returns INVALID in its place. */
  value<T>(parse: (value: string) => T): (value: string) => T {
    return (value: string) => {
      // commander calls the parser with no value after an option that lacked one (gathered already)
      if (value === undefined) return INVALID as T
      try {
        return parse(value)
      } catch (err) {
        if (!isUsageError(err)) throw err
        this.add(err)
        return INVALID as T
      }
    }
  }

  /** Runs `build` (options that conflict throw there); its usage error is gathered, not thrown. */
  gather<T>(build: () => T): T | typeof INVALID {
    try {
      return build()
    } catch (err) {
      if (!isUsageError(err)) throw err
      this.add(err)
      return INVALID
    }
  }

  /** Throws what was gathered: the one problem itself, or all of them together. */
  throwIfAny(): void {
    // "too many arguments" after an unknown option is most likely that option's value
    const problems = this.unknownSeen || this.excess === null ? [...this.problems] : [...this.problems, this.excess]
    if (problems.length === 1) throw problems[0]
    if (problems.length > 1) throw new UsageProblemsError(problems, this.command)
  }

  /** Makes every command of `program` gather commander's problems instead of throwing the first. */
  install(program: Command): void {
    const problems = this
    const visit = (cmd: Command) => {
      cmd.error = function (this: Command, message: string, options?: { code?: string; exitCode?: number }): never {
        const code = options?.code
        if (code === undefined || !GATHERED.has(code)) return Command.prototype.error.call(this, message, options)
        problems.command = commandPath(this)
        const text = message.replace(/^error: /, '')
        const flags = /option '([^']*)'/.exec(text)?.[1]
        // an option given without its value is not also "not specified"
        if (code === 'commander.optionMissingArgument' && flags !== undefined) problems.valueless.add(flags)
        if (code === 'commander.missingMandatoryOptionValue' && flags !== undefined && problems.valueless.has(flags)) {
          return undefined as never
        }
        const error = new UsageError(text, problems.command)
        if (code === 'commander.excessArguments') {
          problems.excess = error
        } else {
          problems.add(error)
        }
        if (code === 'commander.unknownOption') problems.unknownFrom(this, text)
        return undefined as never
      }
      for (const sub of cmd.commands) visit(sub)
    }
    visit(program)
    // the remedy names the command that was about to run
    program.hook('preAction', (_program, action) => {
      problems.command = commandPath(action)
    })
  }

  /**
   * Commander names only the first unknown option; the arguments after it (those that are not
   * options it knows, which it parsed) are the rest. Each unknown option among them is named too,
   * and they are taken out of the command's arguments so that no option is read as an argument.
   */
  private unknownFrom(cmd: Command, text: string): void {
    this.unknownSeen = true
    const flag = /^unknown option '([^']*)'/.exec(text)?.[1]
    if (flag === undefined) return
    const at = cmd.args.indexOf(flag)
    if (at < 0) return
    const rest = cmd.args.slice(at + 1)
    const isOption = (arg: string) => arg.length > 1 && arg.startsWith('-') && arg !== '--'
    for (const arg of rest) {
      if (isOption(arg)) this.add(new UsageError(`unknown option '${arg}'`, this.command))
    }
    cmd.args = [...cmd.args.slice(0, at), ...rest.filter((arg) => !isOption(arg))]
  }
}

/** `synkti job top-up` for the top-up command. */
export function commandPath(cmd: Command): string {
  const words: string[] = []
  for (let at: Command | null = cmd; at !== null; at = at.parent) words.unshift(at.name())
  return words.join(' ')
}
