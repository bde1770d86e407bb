import { expect } from "chai";
import { parseUnits } from "ethers";
import { createHardhatRuntimeEnvironment } from "hardhat/hre";

import config from "../../../hardhat.config.js";
import { ethers, networkHelpers } from "../../helpers/network.js";
import { marketFixture } from "../../helpers/fixtures.js";
import { jsonOf, runTask } from "../../helpers/tasks.js";

const { loadFixture } = networkHelpers;

const ERC20 = [
  "function balanceOf(address) view returns (uint256)",
  "function symbol() view returns (string)",
  "function decimals() view returns (uint8)",
];

describe("tasks: license:mock-token (a test stablecoin, local chains only)", function () {
  it("deploys the test-only token on chain 31337, mints to each receiver, and says it is local only", async function () {
    const f = await loadFixture(marketFixture);
    const run = await runTask("license:mock-token", {
      to: `${f.buyer.address},${f.dealer.address}`,
      amount: "2500.5",
      from: f.admin.address,
    });
    expect(run.exitCode).to.equal(undefined);
    const address = /^token +(0x[0-9a-fA-F]{40}) /m.exec(run.stdout)?.[1];
    expect(address, run.stdout).to.not.equal(undefined);
    expect(run.stdout).to.contain(
      `(mUSDC, 6 decimals; LOCAL TEST ONLY: anyone can mint it)\nchain   31337\nminted  2500.5 mUSDC to ${f.buyer.address}\nminted  2500.5 mUSDC to ${f.dealer.address}\n`,
    );
    expect(run.stderr).to.contain('Note: network "default" is the in-process chain');
    const token = new ethers.Contract(address!, ERC20, ethers.provider);
    expect(await token.getFunction("symbol")()).to.equal("mUSDC");
    expect(await token.getFunction("decimals")()).to.equal(6n);
    expect(await token.getFunction("balanceOf")(f.buyer.address)).to.equal(parseUnits("2500.5", 6));

    const json = jsonOf<{ localTestOnly: boolean; minted: { to: string }[] }>(
      await runTask("license:mock-token", { amount: "1", symbol: "tEUR", json: true }),
    );
    expect(json.localTestOnly).to.equal(true);
    expect(json.minted.map((m) => m.to)).to.deep.equal([f.admin.address]); // the sender
  });

  it("refuses any chain but 31337, saying why, before sending anything", async function () {
    const testnet = await createHardhatRuntimeEnvironment(
      {
        ...config,
        networks: {
          ...config.networks,
          sepoliaLike: { type: "edr-simulated", chainType: "l1", chainId: 11_155_111 },
        },
      },
      { network: "sepoliaLike" },
    );
    const run = await runTask("license:mock-token", {}, { hre: testnet });
    expect(run.exitCode).to.equal(1);
    expect(run.stderr).to.equal(
      'Error: license:mock-token deploys a test-only token that anyone can mint, so it runs on a local chain only (chain 31337: `npx hardhat node`, anvil): network "sepoliaLike" is chain 11155111. On a testnet, pay with a test stablecoin from its faucet instead\n',
    );
  });

  it("refuses a bad amount, receiver or symbol", async function () {
    const bad = async (args: Record<string, unknown>) =>
      (await runTask("license:mock-token", args)).stderr;
    expect(await bad({ amount: "lots" })).to.equal(
      "Error: --amount must be a decimal amount such as 1.5, got 'lots'\n",
    );
    expect(await bad({ to: "bob" })).to.equal(
      "Error: --to must be an address (0x and 40 hex digits), got 'bob'\n",
    );
    expect(await bad({ symbol: "m USDC" })).to.equal(
      "Error: --symbol must be 1 to 11 letters or digits, got 'm USDC'\n",
    );
  });
});
