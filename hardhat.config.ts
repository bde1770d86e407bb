import "dotenv/config";

import hardhatToolboxMochaEthersPlugin from "@nomicfoundation/hardhat-toolbox-mocha-ethers";
import { configVariable, defineConfig } from "hardhat/config";
import { createRequire } from "node:module";

import { benchTask, ledgerTasks } from "./tasks/index.js";

const require = createRequire(import.meta.url);

/**
 * One compiler for everything: the solc-js build from the `solc` npm package, pinned in
 * package.json to exactly this version. Hardhat would otherwise download a native solc, which
 * offline machines cannot do.
 */
const SOLC_VERSION = "0.8.37";

/**
 * Cancun is the newest EVM version that Ethereum mainnet, Sepolia, the OP stack (Ecotone and
 * later) and Arbitrum (ArbOS 20 and later) all run. It gives transient storage (EIP-1153) and
 * MCOPY; nothing we compile needs Prague or Osaka opcodes. See README, "Compiler settings".
 */
const EVM_VERSION = "cancun";

/** Fuzz and invariant depth: shallow for `npm test`, deeper for `npm run test:deep` (env). */
const FUZZ_RUNS = Number(process.env.LL_FUZZ_RUNS ?? 256);
const INVARIANT_RUNS = Number(process.env.LL_INVARIANT_RUNS ?? 64);
const INVARIANT_DEPTH = Number(process.env.LL_INVARIANT_DEPTH ?? 32);

export default defineConfig({
  plugins: [hardhatToolboxMochaEthersPlugin],
  tasks: [benchTask, ...ledgerTasks],
  solidity: {
    version: SOLC_VERSION,
    path: require.resolve("solc/soljson.js"),
    settings: {
      evmVersion: EVM_VERSION,

      optimizer: { enabled: true, runs: 200 },
    },
  },
  networks: {
    /**
     * Public testnets. Their settings come from the environment (`.env`, read by dotenv; see
     * .env.example) or from Hardhat's keystore (`npx hardhat keystore set NAME`); a missing one
     * stops the command before anything is sent. The chain ids guard against a wrong RPC URL.
     */
    sepolia: {
      type: "http",
      chainType: "l1",
      chainId: 11_155_111,
      url: configVariable("SEPOLIA_RPC_URL"),
      accounts: [configVariable("DEPLOYER_PRIVATE_KEY")],
    },
    opSepolia: {
      type: "http",
      chainType: "op",
      chainId: 11_155_420,
      url: configVariable("OP_SEPOLIA_RPC_URL"),
      accounts: [configVariable("DEPLOYER_PRIVATE_KEY")],
    },
    arbitrumSepolia: {
      type: "http",
      chainType: "generic",
      chainId: 421_614,
      url: configVariable("ARBITRUM_SEPOLIA_RPC_URL"),
      accounts: [configVariable("DEPLOYER_PRIVATE_KEY")],
    },
    /**
     * A node on this machine (`npx hardhat node`, anvil). Hardhat's built-in default is
     * http://localhost:8545; `LOCALHOST_RPC_URL` points it at another port (the end-to-end tests
     * start their nodes on free ports).
     */
    localhost: {
      type: "http",
      url: process.env.LOCALHOST_RPC_URL ?? "http://localhost:8545",
    },
    /**
     * The benchmark's in-process chain: Cancun rules, like the EVM version we compile for, and a
     * 30M-gas block, so "the largest batch that fits a block" is not cut by Osaka's per-
     * transaction gas cap (EIP-7825, 2^24 gas). Gas per operation is the same as on `default`.
     */
    bench: {
      type: "edr-simulated",
      chainType: "l1",
      hardfork: "cancun",
      blockGasLimit: 30_000_000,
    },
  },
  paths: {
    sources: {
      solidity: ["contracts", "bench/contracts"],
    },
    tests: {
      solidity: "test/contracts",
      mocha: "test/mocha",
    },
  },
  test: {
    solidity: {
      fuzz: { runs: FUZZ_RUNS },
      invariant: { runs: INVARIANT_RUNS, depth: INVARIANT_DEPTH, failOnRevert: false },
    },
    mocha: { timeout: 60_000 },
  },
  coverage: {
    skipFiles: ["contracts/mocks/**", "bench/**"],
  },
  verify: {
    etherscan: { apiKey: configVariable("ETHERSCAN_API_KEY") },
  },
  typechain: {
    outDir: "typechain-types",
  },
});
