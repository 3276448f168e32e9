import { readFile } from 'node:fs/promises'
import { join } from 'node:path'

export interface DmiStrings {
  sysVendor?: string
  productName?: string
  boardVendor?: string
}

export type DmiHint = 'aws' | 'hetzner' | 'openstack'

const FILES: Record<keyof DmiStrings, string> = {
  sysVendor: 'sys_vendor',
  productName: 'product_name',
  boardVendor: 'board_vendor',
}

/** Reads the DMI strings the kernel exposes; absent files (containers, macOS) are simply absent. */
export async function readDmi(root: string): Promise<DmiStrings> {
  const out: DmiStrings = {}
  for (const [key, file] of Object.entries(FILES) as [keyof DmiStrings, string][]) {
    const text = await readFile(join(root, file), 'utf8').catch(() => undefined)
    if (text !== undefined && text.trim() !== '') out[key] = text.trim()
  }
  return out
}

/**
 * Which cloud the firmware names. EC2 Nitro reports `Amazon EC2` as vendor, Hetzner Cloud `Hetzner`,
 * OpenStack Nova (OVHcloud Public Cloud) `OpenStack Foundation` / product `OpenStack Nova`.
 */
export function classifyDmi(dmi: DmiStrings): DmiHint | undefined {
  const all = [dmi.sysVendor, dmi.productName, dmi.boardVendor].filter((s) => s !== undefined).join(' | ')
  if (/amazon/i.test(all)) return 'aws'
  if (/hetzner/i.test(all)) return 'hetzner'
  if (/openstack|ovh/i.test(all)) return 'openstack'
  return undefined
}
