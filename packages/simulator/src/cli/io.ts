/** Where the CLI writes; tests pass their own. */
export interface CliIo {
  stdout(text: string): void
  stderr(text: string): void
  /** whether stderr is a terminal (the progress bar redraws in place) */
  isTty: boolean
}

export const processIo: CliIo = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  isTty: process.stderr.isTTY === true,
}

/** A progress bar on stderr: redrawn in place on a terminal, one line per tenth otherwise. */
export function progressBar(io: CliIo, label: string): (done: number, total: number) => void {
  let lastTenth = -1
  return (done, total) => {
    const width = 30
    const filled = Math.round((done / total) * width)
    const bar = `${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`
    if (io.isTty) io.stderr(`\r${bar}${done === total ? '\n' : ''}`)
    else {
      const tenth = Math.floor((done / total) * 10)
      if (tenth !== lastTenth) io.stderr(`${bar}\n`)
      lastTenth = tenth
    }
  }
}
