import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { action, connectOrExplain, fail, pickSigner } from "./common.js";
import { keyValues, note, parseAddress, parseAmount, printResult } from "./format.js";
import { formatMoney, moneyJson, type Currency } from "./inputs.js";

export interface MockTokenArgs {
  to: string | undefined;
  amount: string;
  symbol: string;
  from: string | undefined;
  json: boolean;
}

/** The chain id of Hardhat's nodes and anvil: the only chain this task deploys to. */
const LOCAL_CHAIN_ID = 31337n;
/** contracts/mocks/MockERC20.sol: a test-only ERC-20 with permits, 6 decimals, mintable by anyone. */
const MOCK_DECIMALS = 6;

/**
 * `npx hardhat license:mock-token --network localhost [--to 0x...,0x...] [--amount 10000]`:
 * deploys the test-only MockERC20 on a LOCAL chain (chain 31337) and mints `--amount` to each
 * receiver, so token sales can be tried on a local node. Anyone can mint the token: it must
 * never be used on a public network, so every other chain is refused.
 */
export default action(async function mockToken(
  args: MockTokenArgs,
  hre: HardhatRuntimeEnvironment,
) {
  const symbol = args.symbol.trim();
  if (!/^[A-Za-z0-9]{1,11}$/.test(symbol)) {
    fail(`--symbol must be 1 to 11 letters or digits, got '${args.symbol}'`);
  }
  const currency: Currency = {
    address: "",
    symbol,
    decimals: MOCK_DECIMALS,
    isEther: false,
  };
  const amount = parseAmount(args.amount, MOCK_DECIMALS, "--amount", symbol);
  const receivers = (args.to ?? "")
    .split(",")
    .map((text) => text.trim())
    .filter((text) => text !== "")
    .map((text) => parseAddress(text, "--to"));
  const connection = await connectOrExplain(hre);
  const chainId = BigInt((await connection.provider.request({ method: "eth_chainId" })) as string);
  if (chainId !== LOCAL_CHAIN_ID) {
    fail(
      `license:mock-token deploys a test-only token that anyone can mint, so it runs on a local chain only (chain ${LOCAL_CHAIN_ID}: \`npx hardhat node\`, anvil): network "${connection.networkName}" is chain ${chainId}. On a testnet, pay with a test stablecoin from its faucet instead`,
    );
  }
  const signer = await pickSigner(connection, args.from);
  if (signer === undefined) {
    fail(`network "${connection.networkName}" has no accounts to sign with`);
  }
  if (connection.networkConfig.type === "edr-simulated") {
    note(
      `Note: network "${connection.networkName}" is the in-process chain of this command: the token ends with it. Use --network localhost (after \`npx hardhat node\`) to keep it.`,
    );
  }
  const token = await connection.ethers.deployContract(
    "MockERC20",
    [`Mock USD Coin (local test only)`, symbol],
    signer,
  );
  const deployment = await token.deploymentTransaction()!.wait();
  const address = await token.getAddress();
  currency.address = address;
  const minted: { to: string; transaction: { hash: string; blockNumber: number } }[] = [];
  for (const to of receivers.length > 0 ? receivers : [signer.address]) {
    const sent = await (await token.getFunction("mint")(to, amount)).wait();
    minted.push({
      to,
      transaction: { hash: sent!.hash, blockNumber: sent!.blockNumber },
    });
  }
  const doc = {
    localTestOnly: true,
    token: { address, name: "Mock USD Coin (local test only)", symbol, decimals: MOCK_DECIMALS },
    chainId,
    deployer: signer.address,
    deploymentTx: deployment!.hash,
    minted: minted.map((m) => ({ ...m, amount: moneyJson(amount, currency) })),
  };
  return printResult(args.json, doc, () => [
    ...keyValues([
      [
        "token",
        `${address} (${symbol}, ${MOCK_DECIMALS} decimals; LOCAL TEST ONLY: anyone can mint it)`,
      ],
      ["chain", String(chainId)],
      ...minted.map(
        (m) => ["minted", `${formatMoney(amount, currency)} to ${m.to}`] as [string, string],
      ),
    ]),
    "",
    `Sell for it with \`license:sell ... --currency ${address}\`; a buyer lets the market spend it with \`license:approve-market --token ${address} --amount <price plus fee>\`.`,
  ]);
});
