/** `--role` named something that is not a role. */
export class InvalidRoleOverrideError extends Error {
  constructor(
    readonly value: string,
    message = `unknown role ${JSON.stringify(value)}: expected worker or deployer`,
  ) {
    super(message)
    this.name = 'InvalidRoleOverrideError'
  }
}
