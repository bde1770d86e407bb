import {
  basename,
  existsSync,
  fileURLToPath,
  join,
  readFileSync,
  readdirSync,
  statSync,
} from "./node-io.js";

import { isAddress } from "ethers";

import { UnknownDeploymentError } from "./errors.js";

/** One deployed contract, as the deploy task records it. */
export interface ContractRecord {
  address: string;
  /** Hash of the transaction that created the contract. */
  deploymentTx: string;
  /** Block the contract was created in. */
  block: number;
  /** The git commit the contract was built from (with "-dirty" if the tree had changes). */
  commit: string;
  /** Constructor arguments, for source verification. */
  constructorArgs: unknown[];
  /**
   * keccak256 of the contract's runtime code as deployed. Verification checks the code at
   * `address` still hashes to it, so an RPC serving another chain under the same chain id (or a
   * fork with other code there) is caught. Recorded by `license:deploy`.
   */
  codeHash?: string;
}

/** An ERC-20 the deployment's operator recognises on this network (a certificate names it by
 * its symbol only when it is listed here; any other token is "unrecognised"). */
export interface CurrencyRecord {
  address: string;
  symbol: string;
  decimals: number;
}

/** The address book of one network: `deployments/<network>.json`. */
export interface DeploymentRecord {
  /** Schema version of this file. */
  version: 1;
  network: string;
  chainId: number;
  contracts: {
    LicenseRegistry: ContractRecord;
    LicenseMarket?: ContractRecord;
  };
  /** Stablecoins and other tokens recognised as payment currencies on this network. */
  currencies?: CurrencyRecord[];
  /** The network's block explorer (transaction links are `<explorer>/tx/<hash>`), if any. */
  explorer?: string;
  /** The published verification page of this deployment, if any (the certificates' QR link). */
  verifyPage?: string;
}

/** The repository's `deployments/` folder, where the deploy task writes address books. */
export const DEFAULT_DEPLOYMENTS_DIR = fileURLToPath(
  new URL(/* @vite-ignore */ "../deployments/", import.meta.url),
);

export function deploymentPath(network: string, dir: string = DEFAULT_DEPLOYMENTS_DIR): string {
  return join(dir, `${network}.json`);
}

/** Address books are small: anything larger is not one. */
export const MAX_DEPLOYMENT_FILE_BYTES = 256 * 1024;

/** Reads `deployments/<network>.json`; a missing or malformed file is an `UnknownDeploymentError`. */
export function loadDeployment(
  network: string,
  dir: string = DEFAULT_DEPLOYMENTS_DIR,
): DeploymentRecord {
  const path = deploymentPath(network, dir);
  if (!existsSync(path)) {
    throw new UnknownDeploymentError(
      `no deployment is recorded for network "${network}" (${path} does not exist): deploy first with \`npx hardhat license:deploy --network ${network}\`, or pass the registry's address`,
      { network, path },
    );
  }
  return readDeploymentFile(path, network);
}

/**
 * Reads an address book from `path` (a `deployments/<network>.json`, or a trust file in the same
 * format for a private deployment), checking its shape: a chain id, a checksummable registry
 * address, and, where present, code hashes and currencies of the right form.
 */
export function readDeploymentFile(path: string, network?: string): DeploymentRecord {
  const args = { network, path };
  let text: string;
  try {
    if (statSync(path).size > MAX_DEPLOYMENT_FILE_BYTES) {
      throw new UnknownDeploymentError(
        `${path} is larger than ${MAX_DEPLOYMENT_FILE_BYTES / 1024} KiB: it is not a License Ledger address book`,
        args,
      );
    }
    text = readFileSync(path, "utf8");
  } catch (cause) {
    if (cause instanceof UnknownDeploymentError) throw cause;
    throw new UnknownDeploymentError(`cannot read the address book ${path}`, args, cause);
  }
  let record: DeploymentRecord | null;
  try {
    record = JSON.parse(text) as DeploymentRecord | null;
  } catch (cause) {
    throw new UnknownDeploymentError(`${path} is not valid JSON`, args, cause);
  }
  const problem = deploymentProblem(record);
  if (problem !== undefined) {
    throw new UnknownDeploymentError(
      `${path} is not a License Ledger deployment record (${problem})`,
      args,
    );
  }
  const named = record as DeploymentRecord;
  // A trust file may leave the network's name out: its file name stands in.
  return typeof named.network === "string"
    ? named
    : { ...named, network: network ?? basename(path, ".json") };
}

const HASH = /^0x[0-9a-fA-F]{64}$/;

/** What is wrong with a parsed address book, or undefined when its shape is right. */
function deploymentProblem(record: unknown): string | undefined {
  if (record === null || typeof record !== "object" || Array.isArray(record)) {
    return "not a JSON object";
  }
  const r = record as Partial<DeploymentRecord>;
  if (typeof r.chainId !== "number" || !Number.isSafeInteger(r.chainId) || r.chainId <= 0) {
    return "no chain id";
  }
  if (r.network !== undefined && (typeof r.network !== "string" || r.network === "")) {
    return "its network name is not a name";
  }
  const registry = r.contracts?.LicenseRegistry;
  if (typeof registry?.address !== "string" || !isAddress(registry.address)) {
    return "no registry address";
  }
  const market = r.contracts?.LicenseMarket;
  if (market !== undefined && (typeof market?.address !== "string" || !isAddress(market.address))) {
    return "the market's address is not an address";
  }
  for (const c of [registry, market]) {
    if (c?.codeHash !== undefined && (typeof c.codeHash !== "string" || !HASH.test(c.codeHash))) {
      return "a code hash is not 32 bytes of hex";
    }
  }
  if (r.currencies !== undefined) {
    if (!Array.isArray(r.currencies)) return "currencies is not a list";
    for (const c of r.currencies) {
      if (
        typeof c?.address !== "string" ||
        !isAddress(c.address) ||
        typeof c.symbol !== "string" ||
        !/^[A-Za-z0-9.$-]{1,16}$/.test(c.symbol) ||
        !Number.isInteger(c.decimals) ||
        c.decimals < 0 ||
        c.decimals > 36
      ) {
        return "a currency is not {address, symbol (1-16 letters or digits), decimals (0-36)}";
      }
    }
  }
  return undefined;
}

/** Every address book in `dir` (each `<network>.json`), skipping files that are not one. */
export function listDeployments(dir: string = DEFAULT_DEPLOYMENTS_DIR): DeploymentRecord[] {
  if (!existsSync(dir)) return [];
  const records: DeploymentRecord[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (!name.endsWith(".json")) continue;
    try {
      records.push(readDeploymentFile(join(dir, name), name.slice(0, -5)));
    } catch {
      // Not an address book: not trusted, not listed.
    }
  }
  return records;
}
