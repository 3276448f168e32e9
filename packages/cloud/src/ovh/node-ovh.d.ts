// @ovhcloud/node-ovh ships no types; this declares the part the adapter uses.
declare module '@ovhcloud/node-ovh' {
  export interface OvhClientParams {
    appKey: string
    appSecret: string
    consumerKey: string
    host?: string
    port?: number
    basePath?: string
    timeout?: number
  }
  export interface OvhClient {
    requestPromised(method: string, path: string, params?: Record<string, unknown>): Promise<unknown>
  }
  function ovh(params: OvhClientParams): OvhClient
  export default ovh
}
