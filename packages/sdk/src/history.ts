import { toBeHex, zeroPadValue, type Interface, type Log, type Provider } from "ethers";

import type { LicenseMarket, LicenseRegistry } from "./contracts/index.js";
import { getLogsPaged } from "./logs.js";

/** One recorded step of a license's life, decoded from one event log. */
export interface HistoryEvent {
  /** The license the event is about (a split parent's events carry the parent's id). */
  licenseId: bigint;
  /** The event's name: `Transfer`, `LicenseIssued`, `LicenseReleased`, `LicenseSold`, ... */
  event: string;
  /** The event's arguments by name (bigints stay bigints). */
  args: Record<string, unknown>;
  blockNumber: number;
  /** Unix seconds of the block. */
  timestamp: number;
  transactionHash: string;
  logIndex: number;
}

/** Registry events whose first indexed argument is the license id. */
const REGISTRY_LICENSE_EVENTS = [
  "LicenseIssued",
  "LicenseIssuedBy",
  "LicenseKeyCommitted",
  "LicenseReleased",
  "LicenseReleaseWithdrawn",
  "LicenseDeactivationAttested",
  "LicenseSplit",
  "LicenseSuspended",
  "LicenseReinstated",
  "LicenseRevoked",
  "LicenseSurrendered",
] as const;

/**
 * The events of one license, from the logs alone, oldest first: every registry event that names
 * it (fetched by the license id as an indexed topic, so the cost follows the license's own
 * history), the `LicenseSplit` that created it if it is a split child, and the market's
 * `LicenseSold` events. Block ranges are paged for providers that limit `eth_getLogs`.
 */
export async function licenseEvents(
  provider: Provider,
  registry: LicenseRegistry,
  market: LicenseMarket | undefined,
  licenseId: bigint,
  range: { fromBlock: number; toBlock: number; pageSize: number },
): Promise<HistoryEvent[]> {
  const id = zeroPadValue(toBeHex(licenseId), 32);
  const registryAddress = await registry.getAddress();
  const ri = registry.interface;
  const own = REGISTRY_LICENSE_EVENTS.map((name) => ri.getEvent(name).topicHash);
  const page = (address: string, topics: (string | string[] | null)[]) =>
    getLogsPaged(provider, { address, topics }, range.fromBlock, range.toBlock, range.pageSize);
  const logs: { log: Log; iface: Interface }[] = [];
  for (const log of await page(registryAddress, [own, id])) logs.push({ log, iface: ri });
  for (const log of await page(registryAddress, [
    ri.getEvent("Transfer").topicHash,
    null,
    null,
    id,
  ])) {
    logs.push({ log, iface: ri });
  }
  for (const log of await page(registryAddress, [
    ri.getEvent("LicenseSplit").topicHash,
    null,
    id,
  ])) {
    logs.push({ log, iface: ri });
  }
  if (market !== undefined) {
    const mi = market.interface;
    for (const log of await page(await market.getAddress(), [
      mi.getEvent("LicenseSold").topicHash,
      id,
    ])) {
      logs.push({ log, iface: mi });
    }
  }
  logs.sort((a, b) => a.log.blockNumber - b.log.blockNumber || a.log.index - b.log.index);
  const times = new Map<number, number>();
  const events: HistoryEvent[] = [];
  for (const { log, iface } of logs) {
    if (!times.has(log.blockNumber)) {
      times.set(log.blockNumber, (await provider.getBlock(log.blockNumber))?.timestamp ?? 0);
    }
    const parsed = iface.parseLog(log);
    const args: Record<string, unknown> = {};
    for (const input of parsed?.fragment.inputs ?? [])
      args[input.name] = parsed?.args.getValue(input.name);
    events.push({
      licenseId,
      event: parsed?.name ?? "Unknown",
      args,
      blockNumber: log.blockNumber,
      timestamp: times.get(log.blockNumber)!,
      transactionHash: log.transactionHash,
      logIndex: log.index,
    });
  }
  return events;
}
