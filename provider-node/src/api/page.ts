import { readFile } from 'node:fs/promises'
import { StatusPageAssetMissingError } from './errors.js'

/** A file of the status page, read once when the API starts (it is a few kilobytes). */
export interface PageAsset {
  route: string
  contentType: string
  body: Buffer
}

/** Route → file in ./page; nothing else is served, so no path from a request reaches the file system. */
const ASSETS = [
  { route: '/', file: 'index.html', contentType: 'text/html; charset=utf-8' },
  { route: '/app.js', file: 'app.js', contentType: 'text/javascript; charset=utf-8' },
  { route: '/format.js', file: 'format.js', contentType: 'text/javascript; charset=utf-8' },
  { route: '/style.css', file: 'style.css', contentType: 'text/css; charset=utf-8' },
  { route: '/favicon.svg', file: 'favicon.svg', contentType: 'image/svg+xml' },
] as const

export async function loadPageAssets(): Promise<PageAsset[]> {
  return Promise.all(
    ASSETS.map(async ({ route, file, contentType }) => {
      const url = new URL(`./page/${file}`, import.meta.url)
      try {
        return { route, contentType, body: await readFile(url) }
      } catch (err) {
        throw new StatusPageAssetMissingError(url.pathname, { cause: err })
      }
    }),
  )
}
