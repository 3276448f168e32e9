import './dispose.js'
import { CleanupFailedError, InvalidPlanError, SpotUnavailableError, UnsupportedFeatureError } from './errors.js'
import type { CloudAdapter, Deployment, DeployPlan, Machine, ResourceRef } from './types.js'

/** Everything wrong with a plan for this adapter, found before anything is created (principle 2). */
export function validatePlan(adapter: Pick<CloudAdapter, 'cloud' | 'capabilities'>, plan: DeployPlan): void {
  if (plan.machines.length === 0) throw new InvalidPlanError('a deployment needs at least one machine')
  if (plan.firewall !== undefined && !adapter.capabilities.firewall) {
    throw new UnsupportedFeatureError(adapter.cloud, 'firewalls')
  }
  for (const m of plan.machines) {
    if (m.market?.kind === 'spot' && !adapter.capabilities.spot) throw new SpotUnavailableError(adapter.cloud)
    const maxPrice = m.market?.kind === 'spot' ? m.market.maxPricePerHour : undefined
    if (maxPrice !== undefined && !/^\d+(\.\d+)?$/.test(maxPrice)) {
      throw new InvalidPlanError(
        `maxPricePerHour must be a decimal USD amount like '0.55', got ${JSON.stringify(maxPrice)}`,
      )
    }
    if (m.userData.length === 0) throw new InvalidPlanError('every machine needs user-data that starts provider-node')
  }
}

/**
 * Creates the plan's resources in order; each one registers its undo on an AsyncDisposableStack the
 * moment it exists, so a failure at step n releases steps n-1..1 and nothing is left behind.
 */
export async function deployWith(adapter: CloudAdapter, plan: DeployPlan): Promise<Deployment> {
  validatePlan(adapter, plan)
  await adapter.checkCredentials()
  const stack = new AsyncDisposableStack()
  const created: ResourceRef[] = []
  const track = (ref: ResourceRef): void => {
    created.push(ref)
    stack.defer(async () => {
      await adapter.release(ref)
      created.splice(created.indexOf(ref), 1)
    })
  }
  const machines: Machine[] = []
  try {
    const firewall = plan.firewall === undefined ? undefined : await adapter.createFirewall(plan.firewall)
    if (firewall !== undefined) track(firewall)
    const sshKey = plan.sshKey === undefined ? undefined : await adapter.createSshKey(plan.sshKey)
    if (sshKey !== undefined) track(sshKey)
    for (const spec of plan.machines) {
      const machine = await adapter.launch({
        ...spec,
        ...(firewall === undefined ? {} : { firewallIds: [firewall.id] }),
        ...(sshKey === undefined ? {} : { sshKeyId: sshKey.id }),
      })
      track({ cloud: adapter.cloud, kind: 'machine', id: machine.id })
      machines.push(machine)
    }
  } catch (err) {
    await stack.disposeAsync().catch((cleanupErr: unknown) => {
      throw new CleanupFailedError([...created], { cause: new AggregateError([err, cleanupErr]) })
    })
    throw err
  }
  return createDeployment(adapter.cluster, machines, created, stack)
}

function createDeployment(
  cluster: string,
  machines: Machine[],
  created: ResourceRef[],
  stack: AsyncDisposableStack,
): Deployment {
  const resources = [...created]
  let owned = stack
  const release = async (): Promise<void> => {
    try {
      await owned.disposeAsync()
    } catch (err) {
      throw new CleanupFailedError([...created], { cause: err })
    }
  }
  return {
    cluster,
    machines,
    resources,
    get disposed() {
      return owned.disposed
    },
    detach() {
      // move() empties the original stack; the moved-to stack is dropped, so nothing is undone.
      owned.move()
      owned = new AsyncDisposableStack()
      return [...resources]
    },
    release,
    [Symbol.asyncDispose]: release,
  }
}

/** Releases everything the cluster owns, machines first; keeps going past failures and reports them together. */
export async function destroyOwned(adapter: CloudAdapter): Promise<ResourceRef[]> {
  const released: ResourceRef[] = []
  const failed: ResourceRef[] = []
  const errors: unknown[] = []
  for (const ref of await adapter.listOwned()) {
    try {
      await adapter.release(ref)
      released.push(ref)
    } catch (err) {
      failed.push(ref)
      errors.push(err)
    }
  }
  if (failed.length > 0) throw new CleanupFailedError(failed, { cause: new AggregateError(errors) })
  return released
}
