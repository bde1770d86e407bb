import type { Log, Provider, TopicFilter } from "ethers";

/**
 * `eth_getLogs` over `[fromBlock, toBlock]` in pages of at most `pageSize` blocks, so providers
 * that limit the range of one request (many public RPCs allow 1,000 to 10,000 blocks) can
 * answer. A page the provider refuses is halved and retried, down to single blocks.
 */
export async function getLogsPaged(
  provider: Provider,
  filter: { address: string; topics: TopicFilter },
  fromBlock: number,
  toBlock: number,
  pageSize: number,
): Promise<Log[]> {
  const logs: Log[] = [];
  let size = Math.max(1, pageSize);
  for (let start = fromBlock; start <= toBlock;) {
    const end = Math.min(toBlock, start + size - 1);
    try {
      logs.push(...(await provider.getLogs({ ...filter, fromBlock: start, toBlock: end })));
      start = end + 1;
    } catch (error) {
      if (size === 1) throw error;
      size = Math.ceil(size / 2);
    }
  }
  return logs;
}
