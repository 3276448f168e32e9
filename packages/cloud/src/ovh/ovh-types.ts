/** The subset of OVH API v1 `cloud.*` shapes this adapter reads (https://eu.api.ovh.com/console/). */
export interface OvhInstance {
  id: string
  name: string
  status: string
  region: string
  flavorId: string
  imageId?: string
  ipAddresses?: { ip: string; type: string; version: number }[]
}

export interface OvhFlavor {
  id: string
  name: string
  region: string
}

export interface OvhImage {
  id: string
  name: string
  region: string
}

export interface OvhSshKey {
  id: string
  name: string
}

/** What node-ovh rejects with: `error` is the HTTP status (or a network errno), `message` OVH's text. */
export interface OvhRejection {
  error: number | string
  message?: string | null
}
