/**
 * The static import graph of a TypeScript entry point, as Node would load it before any dynamic
 * `import()` runs: what a command pays for at start-up. Walks relative imports and the workspace's
 * own `@synkti/*` packages (through their `exports`), skips type-only imports (erased at run
 * time), and names every other package it reaches without descending into it.
 */
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')

export interface ImportGraph {
  /** workspace files loaded, relative to the repository root */
  files: Set<string>
  /** third-party packages loaded (`name` or `@scope/name`), with the first file that imports each */
  packages: Map<string, string>
}

/** Module specifiers of the imports and re-exports in `source` that survive type erasure. */
export function runtimeSpecifiers(fileName: string, source: string): string[] {
  const sf = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS)
  const out: string[] = []
  for (const node of sf.statements) {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause
      if (clause?.isTypeOnly) continue
      const named = clause?.namedBindings
      const onlyTypes =
        clause !== undefined &&
        clause.name === undefined &&
        named !== undefined &&
        ts.isNamedImports(named) &&
        named.elements.length > 0 &&
        named.elements.every((e) => e.isTypeOnly)
      if (!onlyTypes) out.push(node.moduleSpecifier.text)
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      if (node.isTypeOnly) continue
      const clause = node.exportClause
      if (clause !== undefined && ts.isNamedExports(clause) && clause.elements.length > 0) {
        if (clause.elements.every((e) => e.isTypeOnly)) continue
      }
      out.push(node.moduleSpecifier.text)
    }
  }
  return out
}

function packageName(specifier: string): string {
  const parts = specifier.split('/')
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier)
}

function resolveRelative(from: string, specifier: string): string {
  const base = resolve(dirname(from), specifier)
  const stem = base.replace(/\.(m?js|ts)$/, '')
  const file = [`${stem}.ts`, `${stem}.mts`, base, join(base, 'index.ts')].find(
    (candidate) => existsSync(candidate) && statSync(candidate).isFile(),
  )
  if (file === undefined) throw new Error(`cannot resolve ${specifier} from ${from}`)
  return file
}

/** The file a workspace package exports under `specifier` (`@synkti/x` or `@synkti/x/sub`); undefined for a third party. */
function workspaceEntry(name: string, specifier: string): string | undefined {
  if (!name.startsWith('@synkti/')) return undefined
  const dir = realpathSync(join(ROOT, 'node_modules', name))
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { exports?: Record<string, string> }
  const entry = manifest.exports?.[`.${specifier.slice(name.length)}`]
  if (entry === undefined) throw new Error(`${name} exports no ${specifier}`)
  return join(dir, entry)
}

/** The static graph from `entry` (a path relative to the repository root, or absolute). */
export function importGraph(entry: string): ImportGraph {
  const files = new Set<string>()
  const packages = new Map<string, string>()
  const queue = [resolve(ROOT, entry)]
  while (queue.length > 0) {
    const file = queue.pop() as string
    const rel = file.slice(ROOT.length + 1)
    if (files.has(rel)) continue
    files.add(rel)
    for (const specifier of runtimeSpecifiers(file, readFileSync(file, 'utf8'))) {
      if (specifier.startsWith('node:')) continue
      if (specifier.startsWith('.')) {
        queue.push(resolveRelative(file, specifier))
        continue
      }
      const name = packageName(specifier)
      const workspace = workspaceEntry(name, specifier)
      if (workspace !== undefined) queue.push(workspace)
      else if (!packages.has(name)) packages.set(name, rel)
    }
  }
  return { files, packages }
}
