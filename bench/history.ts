import type { Provider } from "ethers";
import { toBeHex, zeroPadValue } from "ethers";

import type { LicenseRegistry } from "../typechain-types/index.js";

export interface HolderStep {
  holder: string;
  blockNumber: number;
  transactionHash: string;
}

/**
 * The holders of one license, from logs alone, fetched by the license id as an indexed topic: the
 * `Transfer` events (id is topic 3) and every registry event about the license (id is topic 1).
 * The cost follows the license's own history, not the chain's, wherever the node indexes topics.
 * The bench's measuring stick; the SDK's full chain of title (with declarations, splits and
 * prices) arrives with the chain-of-title issue.
 */
export async function holderHistory(
  provider: Provider,
  registry: LicenseRegistry,
  licenseId: bigint,
): Promise<{ steps: HolderStep[]; events: number }> {
  const address = await registry.getAddress();
  const idTopic = zeroPadValue(toBeHex(licenseId), 32);
  const transferTopic = registry.interface.getEvent("Transfer").topicHash;
  const [moves, events] = await Promise.all([
    provider.getLogs({
      address,
      fromBlock: 0,
      toBlock: "latest",
      topics: [transferTopic, null, null, idTopic],
    }),
    provider.getLogs({ address, fromBlock: 0, toBlock: "latest", topics: [null, idTopic] }),
  ]);
  const steps = moves
    .sort((a, b) => a.blockNumber - b.blockNumber || a.index - b.index)
    .map((log) => ({
      holder: "0x" + (log.topics[2] ?? "").slice(26),
      blockNumber: log.blockNumber,
      transactionHash: log.transactionHash,
    }));
  return { steps, events: events.length };
}
